"""Scoring PII masking against a gold corpus: precision and recall per category.

A gold span counts as found when a predicted span of the same category overlaps it; a
predicted span counts as correct when it overlaps a gold span of the same category. `leaked`
counts gold spans with any character left unmasked (whatever the category), the figure that
matters for privacy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from machikoe.analysis.text.pii import CATEGORIES, PiiSpan, find_pii


@dataclass(frozen=True)
class CategoryScore:
    category: str
    gold: int
    predicted: int
    found: int
    correct: int
    leaked: int

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "gold": self.gold,
            "predicted": self.predicted,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "leaked": self.leaked,
        }


@dataclass(frozen=True)
class Evaluation:
    scores: dict[str, CategoryScore]
    errors: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"scores": {k: v.to_dict() for k, v in self.scores.items()}}


def _overlaps(a: PiiSpan, b: PiiSpan) -> bool:
    return a.start < b.end and b.start < a.end


def evaluate(
    rows: Iterable[dict[str, Any]],
    finder: Callable[[str], Sequence[PiiSpan]] = find_pii,
) -> Evaluation:
    """Score `finder` on rows of {"text", "spans": [{"start", "end", "category"}]}."""
    counts: dict[str, list[int]] = {
        c: [0, 0, 0, 0, 0] for c in CATEGORIES
    }  # gold, predicted, found, correct, leaked
    errors: list[dict[str, Any]] = []
    for row in rows:
        text = row["text"]
        gold = [PiiSpan.from_dict(s) for s in row["spans"]]
        predicted = list(finder(text))
        for g in gold:
            c = counts[g.category]
            c[0] += 1
            if any(p.category == g.category and _overlaps(p, g) for p in predicted):
                c[2] += 1
            else:
                errors.append(
                    {"text": text, "missed": text[g.start : g.end], "category": g.category}
                )
            covered: set[int] = set()
            for p in predicted:
                covered.update(range(max(p.start, g.start), min(p.end, g.end)))
            if len(covered) < g.end - g.start:
                c[4] += 1
        for p in predicted:
            c = counts[p.category]
            c[1] += 1
            if any(g.category == p.category and _overlaps(p, g) for g in gold):
                c[3] += 1
            else:
                errors.append(
                    {"text": text, "wrong": text[p.start : p.end], "category": p.category}
                )
    scores = {
        cat: CategoryScore(cat, g, pr, f, co, lk) for cat, (g, pr, f, co, lk) in counts.items()
    }
    return Evaluation(scores=scores, errors=errors)


def false_masking(
    lines: Iterable[str], finder: Callable[[str], Sequence[PiiSpan]] = find_pii
) -> tuple[int, list[tuple[str, list[str]]]]:
    """(number of non-empty lines, lines wrongly masked with what was masked) for texts that
    hold no personal data, such as the plan itself."""
    total = 0
    wrong: list[tuple[str, list[str]]] = []
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        total += 1
        spans = finder(line)
        if spans:
            wrong.append((line, [f"{line[s.start : s.end]}:{s.category}" for s in spans]))
    return total, wrong
