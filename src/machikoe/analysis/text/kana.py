"""Kana and kanji helpers: script tests and katakana → hiragana."""

from __future__ import annotations

_KATA_START, _KATA_END = 0x30A1, 0x30F6  # ァ … ヶ; ヷ-ヺ have no hiragana twin
_KATA_TO_HIRA = 0x60


def is_kanji(char: str) -> bool:
    """CJK ideographs plus 々 (repetition mark) and 〆, which take a reading like kanji."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x2FA1F
        or char in "々〆〇"
    )


def has_kanji(text: str) -> bool:
    return any(is_kanji(c) for c in text)


def is_kana(char: str) -> bool:
    code = ord(char)
    return 0x3041 <= code <= 0x309F or 0x30A0 <= code <= 0x30FF or char == "ー"


def to_hiragana(text: str) -> str:
    """Katakana → hiragana; everything else (ー, latin, digits) unchanged."""
    return "".join(
        chr(ord(c) - _KATA_TO_HIRA) if _KATA_START <= ord(c) <= _KATA_END else c for c in text
    )
