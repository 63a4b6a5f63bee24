"""Reading opinion files: CSV/TSV, xlsx and JSON(L) in the kouchou-ai / Talk to the City layout
(`comment-id`, `comment-body`, attribute columns) and machikoe's own export (受付番号, 本文,
年代, 地域, ...). Encodings: UTF-8 (with or without BOM), Shift_JIS/CP932, else detected by
charset-normalizer; an undecidable file is refused with a clear message.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from machikoe.analysis.text.encoding import UnknownEncoding, decode_japanese_text
from machikoe.core.errors import ImportFailed

from .types import Document

ID_COLUMNS = ("comment-id", "comment_id", "id", "受付番号", "opinion_id", "ID", "番号")
TEXT_COLUMNS = (
    "comment-body",
    "comment_body",
    "body",
    "text",
    "本文",
    "意見",
    "comment",
    "opinion",
)
# machikoe export headers -> attribute keys used by the pipeline
ATTRIBUTE_KEYS = {
    "年代": "age_band",
    "地域": "district",
    "区との関わり": "relation",
    "チャネル": "channel",
    "対象の節": "section_code",
}
NOT_ATTRIBUTES = {"受付日時", "状態", "url", "source", "timestamp", "submitted_at", "status"}
HIDDEN_STATUS = "非公開"
MAX_ATTRIBUTE_VALUES = 50  # more distinct values than this is free text, not an attribute


def decode(raw: bytes, file: str) -> str:
    if not raw.strip():
        raise ImportFailed("ファイルが空です。", file=file)
    try:
        return decode_japanese_text(raw)[0]
    except UnknownEncoding as error:
        raise ImportFailed(str(error), file=file) from None


def _records_from_text(text: str, suffix: str) -> list[dict[str, Any]]:
    if suffix in (".jsonl", ".ndjson"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    if suffix == ".json":
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("opinions") or data.get("rows") or data.get("comments") or []
        return list(data)
    dialect = "excel-tab" if suffix == ".tsv" else "excel"
    return list(csv.DictReader(io.StringIO(text, newline=""), dialect=dialect))


def _records_from_xlsx(raw: bytes, file: str) -> list[dict[str, Any]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise ImportFailed(
            f"Excel ファイルとして読めません（{type(exc).__name__}）。", file=file
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if header is None:
        raise ImportFailed("ファイルが空です。", file=file)
    names = [str(h).strip() if h is not None else "" for h in header]
    return [
        {names[j]: ("" if v is None else str(v)) for j, v in enumerate(row) if j < len(names)}
        for row in rows
        if any(v not in (None, "") for v in row)
    ]


def _pick(
    columns: Sequence[str], wanted: str | None, candidates: Iterable[str], what: str, file: str
) -> str | None:
    if wanted:
        if wanted not in columns:
            raise ImportFailed(
                f"{what}の列「{wanted}」がありません（ある列: {', '.join(columns)}）。", file=file
            )
        return wanted
    lowered = {c.lower().strip(): c for c in columns}
    for name in candidates:
        if name.lower() in lowered:
            return lowered[name.lower()]
    return None


def read_opinions(
    path: str | Path,
    *,
    id_column: str | None = None,
    text_column: str | None = None,
    attribute_columns: Sequence[str] | None = None,
) -> tuple[list[Document], list[str]]:
    """(documents, notes). Raises ImportFailed with the file/row/column on bad input."""
    path = Path(path)
    file = path.name
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFailed(f"ファイルを開けません: {exc.strerror}", file=file) from exc
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        records = _records_from_xlsx(raw, file)
    else:
        try:
            records = _records_from_text(decode(raw, file), suffix)
        except (json.JSONDecodeError, csv.Error) as exc:
            raise ImportFailed(f"ファイルの形式が正しくありません（{exc}）。", file=file) from exc
    if not records:
        raise ImportFailed("意見の行がありません（見出しだけ、または空）。", file=file)
    columns = list(records[0].keys())
    text_col = _pick(columns, text_column, TEXT_COLUMNS, "本文", file)
    if text_col is None:
        raise ImportFailed(
            "本文の列が見つかりません。comment-body（または 本文・text）の列を用意するか、"
            f"--text-column で指定してください（ある列: {', '.join(map(str, columns))}）。",
            file=file,
        )
    id_col = _pick(columns, id_column, ID_COLUMNS, "ID", file)
    notes: list[str] = []
    if id_col is None:
        notes.append("ID の列がないため、行番号（2 行目 = 1）を ID にしました。")
    if attribute_columns is None:
        candidates = [
            c for c in columns if c not in (text_col, id_col) and c and c not in NOT_ATTRIBUTES
        ]
        attribute_columns = [
            c for c in candidates
            if len({str(r.get(c, "")) for r in records}) <= MAX_ATTRIBUTE_VALUES
        ]  # fmt: skip
    docs: list[Document] = []
    seen: set[str] = set()
    hidden = 0
    for number, record in enumerate(records, start=1):
        if str(record.get("状態", "")).startswith(HIDDEN_STATUS):
            hidden += 1
            continue
        raw_id = record.get(id_col) if id_col else number
        doc_id = str(raw_id).strip() if raw_id not in (None, "") else ""
        if not doc_id:
            raise ImportFailed("ID が空です。", file=file, row=number + 1, column=id_col)
        if doc_id in seen:
            raise ImportFailed(
                f"ID「{doc_id}」が重複しています。", file=file, row=number + 1, column=id_col
            )
        seen.add(doc_id)
        text = record.get(text_col)
        attributes = {}
        for column in attribute_columns:
            value = record.get(column)
            if value not in (None, ""):
                key = ATTRIBUTE_KEYS.get(
                    column, column.removeprefix("attribute_").removeprefix("attribute-")
                )
                attributes[key] = str(value)
        docs.append(Document(doc_id, "" if text is None else str(text), attributes))
    if hidden:
        notes.append(f"非公開の意見 {hidden} 件は分析から除きました。")
    if not docs:
        raise ImportFailed("分析できる意見の行がありません。", file=file)
    return docs, notes
