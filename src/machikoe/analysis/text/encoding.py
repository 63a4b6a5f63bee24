"""Decoding the bytes of files that Japanese offices and web-form services produce.

Excel in Japan writes Shift_JIS (CP932) or UTF-8 with a BOM; web services write UTF-8. We try
those in that order and only then ask charset-normalizer, so the common cases are exact and
fast. Every importer (opinions, broad listening, Polis exports, EBPM statistics) uses this.
"""

from __future__ import annotations

UTF8_BOM = b"\xef\xbb\xbf"
UNKNOWN_ENCODING_MESSAGE = (
    "文字コードを判別できません。UTF-8 か Shift_JIS（CP932）で保存してください。"
)


class UnknownEncoding(ValueError):
    """No encoding decodes the bytes to plausible text."""

    def __init__(self) -> None:
        super().__init__(UNKNOWN_ENCODING_MESSAGE)


def decode_japanese_text(data: bytes) -> tuple[str, str]:
    """(text, encoding name) of `data`: UTF-8 (with or without BOM), CP932, else detected."""
    if data.startswith(UTF8_BOM):
        return data[len(UTF8_BOM) :].decode("utf-8"), "utf-8-sig"
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise UnknownEncoding
    return str(best), best.encoding
