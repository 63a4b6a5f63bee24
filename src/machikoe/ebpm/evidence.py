"""Qualitative evidence next to the numbers: broad-listening topics and opinions of a perspective.

Read through the listening app's selectors (visible runs, masked opinion text); only the
latest visible run of each consultation counts. When the listening app has no result yet,
the pages say 「まだ分析結果がありません」 instead.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

NO_RESULTS = "まだ分析結果がありません"
TOPICS_SHOWN = 5
OPINIONS_SHOWN = 3


@dataclass
class Evidence:
    code: str
    topics: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    matched: int = 0
    total: int = 0
    message: str = NO_RESULTS

    @property
    def available(self) -> bool:
        return self.matched > 0


def _belongs(codes: list[str] | None, code: str) -> bool:
    return any(c == code or c.startswith(code + "-") for c in (codes or []))


def for_perspective(code: str, user: AbstractBaseUser | AnonymousUser) -> Evidence:
    """Topics and a few masked opinions tied to perspective `code` (e.g. "V5")."""
    evidence = Evidence(code=code)
    if not code:
        return evidence
    try:
        from machikoe.listening import selectors as listening
        from machikoe.listening.models import AnalysisRun, RunCluster, RunRow
    except ImportError:  # pragma: no cover - the listening app is part of the project
        return evidence
    runs = list(
        listening.visible_runs(user)
        .filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("consultation_id", "-number")
    )
    latest: dict[int, Any] = {}
    for run in runs:
        latest.setdefault(run.consultation_id, run)
    topic_counts: Counter[tuple[int, str]] = Counter()
    sample: list[tuple[Any, int]] = []
    for run in latest.values():
        for row_id, topic, codes in RunRow.objects.filter(run=run).values_list(
            "id", "topic", "perspectives"
        ):
            evidence.total += 1
            if _belongs(codes, code):
                evidence.matched += 1
                topic_counts[(run.pk, topic)] += 1
                if len(sample) < OPINIONS_SHOWN:
                    sample.append((run, row_id))
    if not evidence.matched:
        return evidence
    by_run = {run.pk: run for run in latest.values()}
    top = topic_counts.most_common(TOPICS_SHOWN)
    labels = {
        (c.run_id, c.key): c.label
        for c in RunCluster.objects.filter(
            run_id__in={r for r, _ in dict(top)}, key__in={k for _, k in dict(top)}
        )
    }
    evidence.topics = [
        {
            "label": labels.get((run_id, key), key),
            "count": count,
            "consultation": str(by_run[run_id].consultation),
        }
        for (run_id, key), count in top
    ]
    for run, row_id in sample:
        evidence.opinions.extend(
            listening.opinions_of(run, RunRow.objects.filter(pk=row_id), limit=1)
        )
    evidence.message = ""
    return evidence
