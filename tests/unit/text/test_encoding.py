"""The shared decoder every importer uses: UTF-8 with/without BOM, CP932, else refused."""

from __future__ import annotations

import pytest

from machikoe.analysis.text.encoding import UnknownEncoding, decode_japanese_text

TEXT = "意見,年代\n公園を増やしてほしい,中学生\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), "utf-8-sig"),
        (TEXT.encode("cp932"), "cp932"),
    ],
)
def test_common_office_encodings_decode_exactly(data: bytes, encoding: str) -> None:
    assert decode_japanese_text(data) == (TEXT, encoding)


def test_bytes_that_are_no_text_are_refused_with_a_japanese_message() -> None:
    with pytest.raises(UnknownEncoding, match="文字コード"):
        decode_japanese_text(bytes(range(128, 256)) * 20)
