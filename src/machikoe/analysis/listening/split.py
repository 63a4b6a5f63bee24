"""Splitters: long opinions into their separate points, each linked to its source opinion.

Short opinions stay one point. Long ones are cut at sentence ends (。！？!? and line breaks,
and consecutive sentences are packed into points of at most
`max_chars` characters, so a 5,000-character letter becomes a dozen points.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from .registry import Registry
from .types import Point

_SENTENCE_END = re.compile(r"[^。！？!?\n]*(?:[。！？!?]+[」』）)]*|\n+|$)")


class Splitter(Protocol):
    def fit(self, texts: Sequence[str]) -> Splitter: ...
    def transform(self, texts: Sequence[str]) -> list[list[Point]]: ...


SPLITTERS: Registry[Splitter] = Registry("splitter")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each non-blank sentence of `text`."""
    spans = []
    for match in _SENTENCE_END.finditer(text):
        start, end = match.span()
        if end <= start:
            continue
        chunk = text[start:end]
        if chunk.strip():
            stripped_start = start + (len(chunk) - len(chunk.lstrip()))
            spans.append((stripped_start, start + len(chunk.rstrip())))
    return spans


@SPLITTERS.register("none")
class NoSplitter:
    """No-op: every opinion is one point."""

    def fit(self, texts: Sequence[str]) -> NoSplitter:
        return self

    def transform(self, texts: Sequence[str]) -> list[list[Point]]:
        return [[Point(i, 0, len(t), t)] for i, t in enumerate(texts)]


@SPLITTERS.register("sentence")
class SentenceSplitter:
    """Pack sentences into points of at most `max_chars` characters (longer sentences are cut)."""

    def __init__(self, max_chars: int = 300) -> None:
        self.max_chars = max_chars

    def fit(self, texts: Sequence[str]) -> SentenceSplitter:
        return self

    def _split_one(self, index: int, text: str) -> list[Point]:
        if len(text) <= self.max_chars:
            return [Point(index, 0, len(text), text)]
        points: list[Point] = []
        start = end = None
        for s, e in sentences(text):
            # a sentence longer than max_chars is cut into pieces
            while e - s > self.max_chars:
                if start is not None and end is not None:
                    points.append(Point(index, start, end, text[start:end]))
                    start = end = None
                points.append(Point(index, s, s + self.max_chars, text[s : s + self.max_chars]))
                s += self.max_chars
            if start is None or end is None:
                start, end = s, e
            elif e - start <= self.max_chars:
                end = e
            else:
                points.append(Point(index, start, end, text[start:end]))
                start, end = s, e
        if start is not None and end is not None:
            points.append(Point(index, start, end, text[start:end]))
        return points or [Point(index, 0, len(text), text)]

    def transform(self, texts: Sequence[str]) -> list[list[Point]]:
        return [self._split_one(i, t) for i, t in enumerate(texts)]
