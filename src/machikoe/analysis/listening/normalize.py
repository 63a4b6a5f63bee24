"""Normalisers: make texts comparable (full/half width, HTML, whitespace, 表記揺れ).

The normalised text is only used for analysis; reports show the original (masked) text.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Protocol

from .registry import Registry

_TAG = re.compile(r"<[^>]{0,200}>")
_SPACE = re.compile(r"[ \t\u3000\xa0]+")
_NEWLINES = re.compile(r"\n{3,}")
_URL = re.compile(r"https?://\S+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\ufeff]")


class Normalizer(Protocol):
    def fit(self, texts: Sequence[str]) -> Normalizer: ...
    def transform(self, texts: Sequence[str]) -> list[str]: ...


NORMALIZERS: Registry[Normalizer] = Registry("normalizer")


def clean_text(text: str) -> str:
    """NFKC (全角英数→半角, 半角カナ→全角), drop HTML tags/entities, URLs and control chars."""
    text = html.unescape(_TAG.sub(" ", text)) if "<" in text or "&" in text else text
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _URL.sub(" ", text)
    text = _SPACE.sub(" ", text)
    return _NEWLINES.sub("\n\n", text).strip()


@NORMALIZERS.register("none")
class IdentityNormalizer:
    """No-op: texts pass unchanged."""

    def fit(self, texts: Sequence[str]) -> IdentityNormalizer:
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        return list(texts)


@NORMALIZERS.register("nfkc")
class NfkcNormalizer:
    """Default: `clean_text` on every text. Cheap (no dictionary)."""

    def fit(self, texts: Sequence[str]) -> NfkcNormalizer:
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        return [clean_text(t) for t in texts]


@NORMALIZERS.register("sudachi")
class SudachiNormalizer:
    """`clean_text`, then each word replaced by Sudachi's normalised form (附属→付属, 引越→引っ越し).

    Slower (~0.6 M chars/s); useful with the fast vectoriser when spelling varies a lot.
    """

    def fit(self, texts: Sequence[str]) -> SudachiNormalizer:
        return self

    def transform(self, texts: Sequence[str]) -> list[str]:
        from machikoe.analysis.text.sudachi import tokenize

        out = []
        for text in texts:
            cleaned = clean_text(text)
            out.append("".join(m.normalized_form() for m in tokenize(cleaned, "C")))
        return out
