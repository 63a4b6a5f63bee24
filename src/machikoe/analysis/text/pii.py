"""Masking personal data (個人情報) in residents' Japanese text.

`mask_pii(text)` finds phone numbers, e-mail addresses, postal codes, street addresses with
block numbers, 12-digit individual numbers (マイナンバー) and personal names, and returns the
text with each one replaced by a category tag (［電話番号］ …) plus the spans found, with
offsets into the ORIGINAL text so staff can review and correct a masking.

Pattern detectors (`pii_patterns`) run first; names (`pii_names`, Sudachi's 人名 part of
speech plus name lists and honorifics) only fill what the patterns left, so a name inside an
e-mail address stays part of the e-mail. Pure library: no Django import.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from machikoe.analysis.text import pii_names, pii_patterns

Category = Literal["phone", "email", "postal_code", "address", "my_number", "person_name"]

CATEGORIES: tuple[Category, ...] = (
    "email",
    "my_number",
    "phone",
    "postal_code",
    "address",
    "person_name",
)

TAGS: dict[str, str] = {
    "phone": "［電話番号］",
    "email": "［メール］",
    "postal_code": "［郵便番号］",
    "address": "［住所］",
    "my_number": "［個人番号］",
    "person_name": "［氏名］",
}


@dataclass(frozen=True, order=True)
class PiiSpan:
    """One piece of personal data: `text[start:end]` of the original text."""

    start: int
    end: int
    category: Category

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "category": self.category}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PiiSpan:
        category = str(data["category"])
        if category not in TAGS:
            raise ValueError(f"unknown category: {category}")
        start, end = int(data["start"]), int(data["end"])
        if not 0 <= start < end:
            raise ValueError(f"bad span: {start}..{end}")
        return cls(start, end, category)  # type: ignore[arg-type]


@dataclass(frozen=True)
class MaskResult:
    masked: str
    spans: tuple[PiiSpan, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"masked": self.masked, "spans": [s.to_dict() for s in self.spans]}


def find_pii(text: str, *, names: bool = True) -> tuple[PiiSpan, ...]:
    """Spans of personal data in `text`, sorted, never overlapping."""
    if not text:
        return ()
    taken: list[PiiSpan] = []
    for start, end, category in pii_patterns.find(text):
        _take(taken, PiiSpan(start, end, category))  # type: ignore[arg-type]
    if names:
        for start, end in pii_names.find(text):
            _take(taken, PiiSpan(start, end, "person_name"))
    return tuple(sorted(taken))


def _take(taken: list[PiiSpan], span: PiiSpan) -> None:
    """Keep `span` unless it overlaps one already kept (earlier detectors win)."""
    if span.end <= span.start:
        return
    for other in taken:
        if span.start < other.end and other.start < span.end:
            return
    taken.append(span)


def apply_spans(text: str, spans: Iterable[PiiSpan]) -> str:
    """`text` with each span replaced by its tag (spans must not overlap)."""
    out: list[str] = []
    pos = 0
    for span in sorted(spans):
        if span.start < pos or span.end > len(text):
            raise ValueError(f"overlapping or out-of-range span: {span}")
        out.append(text[pos : span.start])
        out.append(TAGS[span.category])
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def mask_pii(text: str, *, names: bool = True) -> MaskResult:
    """Mask personal data in `text`. `names=False` skips the Sudachi-based name pass."""
    spans = find_pii(text, names=names)
    return MaskResult(masked=apply_spans(text, spans), spans=spans)
