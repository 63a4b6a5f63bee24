"""Finding glossary terms in text: normalised (NFKC, case-folded), longest match first.

The seed writes some terms in full-width letters (ＥＢＰＭ) while other texts use EBPM;
both sides are normalised character by character so every match maps back to an exact
span of the original text. Matches never overlap, so annotations can never nest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass


def normalise_with_map(text: str) -> tuple[str, list[int]]:
    """NFKC + casefold per character; `index[i]` is the original position of output char i."""
    out: list[str] = []
    index: list[int] = []
    for position, char in enumerate(text):
        norm = unicodedata.normalize("NFKC", char).casefold()
        out.append(norm)
        index.extend([position] * len(norm))
    return "".join(out), index


def normalise(text: str) -> str:
    return normalise_with_map(text)[0]


@dataclass(frozen=True)
class Match:
    """A term found at text[start:end] (original positions); `key` identifies the term."""

    start: int
    end: int
    key: int


class TermMatcher:
    """Finds the given terms in texts. `terms` maps a key (e.g. glossary number) to a term."""

    def __init__(self, terms: dict[int, str]) -> None:
        self.terms = dict(terms)
        self._by_norm: dict[str, int] = {}
        for key, term in self.terms.items():
            norm = normalise(term).strip()
            if norm:
                self._by_norm.setdefault(norm, key)
        alternatives = sorted(self._by_norm, key=len, reverse=True)
        self._pattern = (
            re.compile("|".join(re.escape(a) for a in alternatives)) if alternatives else None
        )

    def find(self, text: str) -> list[Match]:
        """Non-overlapping matches, leftmost first and longest term first at each position."""
        if self._pattern is None or not text:
            return []
        norm, index = normalise_with_map(text)
        matches: list[Match] = []
        last_end = 0
        for found in self._pattern.finditer(norm):
            start = index[found.start()]
            end = index[found.end() - 1] + 1
            if start < last_end:
                continue
            matches.append(Match(start, end, self._by_norm[found.group()]))
            last_end = end
        return matches
