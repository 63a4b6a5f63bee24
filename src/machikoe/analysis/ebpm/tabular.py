"""Reading a table from CSV or xlsx bytes, as Japanese offices produce them.

CSV may be UTF-8 with or without a BOM (Excel's "CSV UTF-8"), or Shift_JIS/CP932 (Excel's
default "CSV" on Japanese Windows). Strict UTF-8 is tried first: CP932 bytes are almost
never valid UTF-8, so the order is safe; anything else goes to charset-normalizer.
xlsx files are read with openpyxl (first sheet, computed values).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from machikoe.analysis.ebpm.types import EbpmInputError
from machikoe.analysis.text.encoding import UnknownEncoding, decode_japanese_text


@dataclass(frozen=True)
class Row:
    """One data row: its 1-based line (row) number in the file, and cells by header."""

    number: int
    cells: dict[str, str]

    def get(self, *names: str) -> str:
        for name in names:
            value = self.cells.get(name)
            if value is not None and value.strip() != "":
                return value.strip()
        return ""


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[Row, ...]
    encoding: str


def normalise_header(name: str) -> str:
    """NFKC, trimmed, lower case: "ＩＤ " → "id", "基準年度" stays Japanese."""
    return unicodedata.normalize("NFKC", name or "").strip().lower()


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding name) for CSV bytes."""
    try:
        return decode_japanese_text(data)
    except UnknownEncoding as error:
        raise EbpmInputError(str(error)) from None


def _is_xlsx(data: bytes, filename: str) -> bool:
    return data[:2] == b"PK" or filename.lower().endswith((".xlsx", ".xlsm"))


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()[:10]
    return str(value)


def _xlsx_rows(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several unrelated types for broken files
        raise EbpmInputError(f"xlsx ファイルを読めません（{type(exc).__name__}）。") from exc
    try:
        sheet = book.worksheets[0]
        return [[_cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_table(data: bytes, filename: str = "") -> Table:
    """Parse CSV or xlsx bytes into a Table; blank lines are skipped, row numbers kept."""
    if _is_xlsx(data, filename):
        raw_rows = _xlsx_rows(data)
        encoding = "xlsx"
    else:
        text, encoding = decode(data)
        raw_rows = list(csv.reader(io.StringIO(text, newline="")))
    # The header is the first non-empty row.
    start = next((i for i, r in enumerate(raw_rows) if any(c.strip() for c in r)), None)
    if start is None:
        raise EbpmInputError("ファイルが空です。")
    header = tuple(normalise_header(c) for c in raw_rows[start])
    while header and header[-1] == "":
        header = header[:-1]
    seen: set[str] = set()
    for position, name in enumerate(header, start=1):
        if name == "":
            raise EbpmInputError(f"見出し行の{position}列目が空です。", row=start + 1)
        if name in seen:
            raise EbpmInputError(f"見出し「{name}」が2回あります。", row=start + 1, column=name)
        seen.add(name)
    rows: list[Row] = []
    for index in range(start + 1, len(raw_rows)):
        raw = raw_rows[index]
        if not any(c.strip() for c in raw):
            continue
        if len(raw) > len(header) and any(c.strip() for c in raw[len(header) :]):
            raise EbpmInputError(
                f"見出し（{len(header)}列）より多い{len(raw)}列があります。",
                row=index + 1,
            )
        cells = {name: (raw[i] if i < len(raw) else "") for i, name in enumerate(header)}
        rows.append(Row(number=index + 1, cells=cells))
    return Table(header=header, rows=tuple(rows), encoding=encoding)


def read_path(path: str | Path) -> Table:
    p = Path(path)
    try:
        data = p.read_bytes()
    except OSError as exc:
        raise EbpmInputError(f"ファイル {p} を読めません: {exc.strerror}") from exc
    return read_table(data, p.name)
