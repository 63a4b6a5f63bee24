"""Readings and furigana for Japanese text (こどもモード), from SudachiPy.

`tokens(text)` splits text into tokens whose surfaces concatenate back to the input exactly,
each with its reading in hiragana. `ruby_parts` aligns a reading with the surface so that
okurigana stay outside the ruby (住み → 住[す]み). `to_html` renders `<ruby>` markup.

Sudachi's readings are right for nearly all of the plan's words; the few it gets wrong (or
that the PDF text breaks apart) are fixed in `READING_OVERRIDES`, which is matched on the
raw text before Sudachi sees it, longest entry first.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from machikoe.analysis.text.kana import has_kanji, is_kana, is_kanji, to_hiragana

# Words whose reading Sudachi gets wrong in the plan's context. Keys are surfaces as they
# appear in text, values their hiragana reading.
READING_OVERRIDES: dict[str, str] = {
    "身近": "みぢか",  # Sudachi: みじか
}


@dataclass(frozen=True)
class Token:
    """One word: its exact surface and its reading in hiragana (the surface if none)."""

    surface: str
    reading: str

    @property
    def has_kanji(self) -> bool:
        return has_kanji(self.surface)

    def to_dict(self) -> dict[str, str]:
        return {"surface": self.surface, "reading": self.reading}


@lru_cache(maxsize=1)
def _override_pattern() -> re.Pattern[str]:
    keys = sorted(READING_OVERRIDES, key=len, reverse=True)
    return re.compile("|".join(re.escape(k) for k in keys))


def _sudachi_tokens(text: str) -> list[Token]:
    from machikoe.analysis.text.sudachi import tokenize

    result: list[Token] = []
    for morpheme in tokenize(text, "C"):
        surface = morpheme.surface()
        if surface:
            result.append(Token(surface, _reading(morpheme, surface)))
    if "".join(t.surface for t in result) != text:
        # Sudachi keeps surfaces verbatim; if it ever did not, keep the text intact.
        return [Token(text, to_hiragana(text))]
    return result


def _reading(morpheme: Any, surface: str) -> str:
    """Hiragana reading of a morpheme; the surface itself where Sudachi has no kana reading
    (spaces, symbols, latin letters, digits, unknown words)."""
    if morpheme.part_of_speech()[0] == "空白":
        return surface
    reading = morpheme.reading_form() or ""
    if morpheme.is_oov() or not reading or not all(is_kana(c) for c in reading):
        return to_hiragana(surface)
    return to_hiragana(reading)


def tokens(text: str) -> list[Token]:
    """Tokens covering `text` in order; their surfaces concatenate to `text` exactly."""
    if not text:
        return []
    out: list[Token] = []
    position = 0
    for match in _override_pattern().finditer(text):
        if match.start() > position:
            out.extend(_sudachi_tokens(text[position : match.start()]))
        out.append(Token(match.group(), READING_OVERRIDES[match.group()]))
        position = match.end()
    if position < len(text):
        out.extend(_sudachi_tokens(text[position:]))
    return out


def ruby_parts(surface: str, reading: str) -> list[tuple[str, str | None]]:
    """Split a word into (text, reading-or-None) parts so ruby sits over kanji only.

    Kana in the surface are matched against the reading; each run of kanji takes what lies
    between. If the alignment fails, the whole word carries the reading.
    """
    if not has_kanji(surface):
        return [(surface, None)]
    if not reading or reading == surface:
        return [(surface, None)]
    runs: list[tuple[str, bool]] = []
    for char in surface:
        kanji = is_kanji(char)
        if runs and runs[-1][1] == kanji:
            runs[-1] = (runs[-1][0] + char, kanji)
        else:
            runs.append((char, kanji))
    if len(runs) == 1:
        return [(surface, reading)]
    pattern = "".join("(.+?)" if kanji else re.escape(to_hiragana(run)) for run, kanji in runs)
    match = re.fullmatch(pattern, reading)
    if match is None:
        return [(surface, reading)]
    groups = iter(match.groups())
    return [(run, next(groups)) if kanji else (run, None) for run, kanji in runs]


def token_html(token: Token) -> str:
    """One token as HTML: `<ruby>漢字<rt>かんじ</rt></ruby>` over kanji, the rest escaped."""
    return "".join(
        f"<ruby>{html.escape(text)}<rt>{html.escape(reading)}</rt></ruby>"
        if reading
        else html.escape(text)
        for text, reading in ruby_parts(token.surface, token.reading)
    )


def to_html(text: str) -> str:
    """`text` escaped, with furigana over every word that contains kanji."""
    return "".join(token_html(t) for t in tokens(text))
