"""Importing opinions from CSV or Excel (.xlsx): decode, map columns, check every row, then
write all rows in one transaction — or nothing.

- Encodings: UTF-8 with or without BOM, then Shift_JIS/CP932, then charset-normalizer's guess.
- Columns: the kouchou-ai / Talk to the City layout (`comment-id`, `comment-body`, then
  attributes) and common Japanese headers map themselves; anything else through `mapping`
  ({column: field}). Unrecognised columns are not imported (Talk to the City's `timestamp`
  is a video position and `interview` a person's name, so neither is mapped by itself).
- Re-importing the same file adds nothing: each row gets an `external_id` (the id column, or
  a hash of the row's content plus its occurrence number) that is unique per consultation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from machikoe.analysis.text.encoding import UnknownEncoding, decode_japanese_text
from machikoe.core.errors import ImportFailed, ValidationFailed
from machikoe.participation import services
from machikoe.participation.models import (
    AgeBand,
    Channel,
    Consultation,
    District,
    Opinion,
    Relation,
)
from machikoe.participation.selectors import get_consultation

FIELDS = {
    "body": "本文",
    "external_id": "取り込み元ID",
    "age_band": "年代",
    "district": "地域",
    "relation": "区との関わり",
    "section_code": "対象の節",
    "submitted_at": "受付日時",
    "ignore": "（取り込まない）",
}

AUTO_COLUMNS = {
    "comment-body": "body",
    "comment_body": "body",
    "body": "body",
    "意見": "body",
    "ご意見": "body",
    "本文": "body",
    "意見内容": "body",
    "comment-id": "external_id",
    "comment_id": "external_id",
    "id": "external_id",
    "ID": "external_id",
    "番号": "external_id",
    "受付番号": "external_id",
    "age": "age_band",
    "age_band": "age_band",
    "年代": "age_band",
    "年齢": "age_band",
    "district": "district",
    "地域": "district",
    "地区": "district",
    "お住まいの地域": "district",
    "relation": "relation",
    "区との関わり": "relation",
    "関わり": "relation",
    "section": "section_code",
    "section_code": "section_code",
    "対象の節": "section_code",
    "節": "section_code",
    "submitted_at": "submitted_at",
    "日時": "submitted_at",
    "受付日時": "submitted_at",
    "回答日時": "submitted_at",
}

MAX_ROWS = 50_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[list[str]]
    encoding: str


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    skipped: int
    encoding: str


def decode(raw: bytes, filename: str = "") -> tuple[str, str]:
    """(text, encoding name) of a CSV file's bytes."""
    try:
        return decode_japanese_text(raw)
    except UnknownEncoding as error:
        raise ImportFailed(str(error), file=filename) from None


def read_table(raw: bytes, filename: str = "") -> Table:
    """The header and rows of a CSV or .xlsx file, all cells as stripped strings."""
    if len(raw) > MAX_BYTES:
        raise ImportFailed("ファイルが大きすぎます（20 MB まで）。", file=filename)
    if raw[:4] == b"PK\x03\x04":
        return _read_xlsx(raw, filename)
    text, encoding = decode(raw, filename)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        all_rows = [[cell.strip() for cell in row] for row in reader]
    except csv.Error as exc:
        raise ImportFailed(f"CSV として読めません: {exc}", file=filename) from exc
    return _table(all_rows, encoding, filename)


def _read_xlsx(raw: bytes, filename: str) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFailed("Excel ファイルとして読めません。", file=filename) from exc
    sheet = workbook.worksheets[0]
    all_rows = [
        ["" if cell is None else _cell_text(cell) for cell in row]
        for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    return _table(all_rows, "xlsx", filename)


def _cell_text(value: Any) -> str:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(all_rows: list[list[str]], encoding: str, filename: str) -> Table:
    rows = [row for row in all_rows if any(cell for cell in row)]
    if not rows:
        raise ImportFailed("ファイルが空です。", file=filename)
    columns = rows[0]
    if len(rows) - 1 > MAX_ROWS:
        raise ImportFailed(f"行が多すぎます（{MAX_ROWS:,} 行まで）。", file=filename)
    seen = Counter(columns)
    duplicated = [c for c, n in seen.items() if n > 1 and c]
    if duplicated:
        raise ImportFailed("列名が重複しています。", file=filename, column=duplicated[0])
    return Table(columns=columns, rows=rows[1:], encoding=encoding)


def auto_mapping(columns: list[str]) -> dict[str, str]:
    """The mapping guessed from the header (kouchou-ai layout, Japanese names)."""
    mapping: dict[str, str] = {}
    for column in columns:
        field = AUTO_COLUMNS.get(column) or AUTO_COLUMNS.get(column.lower())
        if field and field not in mapping.values():
            mapping[column] = field
    return mapping


_LABELS = {
    "age_band": {
        **{label: value for value, label in AgeBand.choices},
        **{value: value for value in AgeBand.values},
        "大学生": AgeBand.COLLEGE,
        "専門学校生": AgeBand.COLLEGE,
        "80代": AgeBand.AGE_80_PLUS,
        "90代": AgeBand.AGE_80_PLUS,
        "": "",
    },
    "district": {
        **{label: value for value, label in District.choices},
        **{label + "地域": value for value, label in District.choices},
        **{value: value for value in District.values},
        "": "",
    },
    "relation": {
        **{label: value for value, label in Relation.choices},
        **{value: value for value in Relation.values},
        "": "",
    },
}


def _parse_time(value: str) -> datetime:
    text = value.strip().replace("/", "-")
    parsed = datetime.fromisoformat(text)
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    return parsed


@dataclass(frozen=True)
class _Row:
    number: int
    data: services.OpinionInput
    external_id: str
    submitted_at: datetime | None


def check_rows(
    consultation: Consultation,
    table: Table,
    mapping: dict[str, str],
    channel: str,
    filename: str,
) -> list[_Row]:
    """Every row checked, or ImportFailed naming the first bad row, its column and why."""
    for column, field in mapping.items():
        if column not in table.columns:
            raise ImportFailed("ファイルにこの列がありません。", file=filename, column=column)
        if field not in FIELDS:
            raise ImportFailed(
                f"取り込み先の項目「{field}」はありません。", file=filename, column=column
            )
    targets = [f for f in mapping.values() if f != "ignore"]
    duplicated = {f for f in targets if targets.count(f) > 1}
    if duplicated:
        raise ImportFailed(
            f"項目「{sorted(duplicated)[0]}」に複数の列が対応しています。", file=filename
        )
    if targets.count("body") != 1:
        raise ImportFailed("本文（body）にする列を 1 つ指定してください。", file=filename)
    index = {
        field: table.columns.index(column) for column, field in mapping.items() if field != "ignore"
    }
    column_of = {field: column for column, field in mapping.items()}
    occurrences: Counter[str] = Counter()
    ids: set[str] = set()
    checked: list[_Row] = []
    for offset, cells in enumerate(table.rows):
        number = offset + 2  # the header is row 1, as in Excel
        values = {f: (cells[i] if i < len(cells) else "") for f, i in index.items()}
        converted: dict[str, str] = {}
        for field in ("age_band", "district", "relation"):
            raw = values.get(field, "")
            if raw not in _LABELS[field]:
                raise ImportFailed(
                    f"「{raw}」は{FIELDS[field]}として使えません。",
                    file=filename,
                    row=number,
                    column=column_of[field],
                )
            converted[field] = str(_LABELS[field][raw])
        submitted_at = None
        if values.get("submitted_at"):
            try:
                submitted_at = _parse_time(values["submitted_at"])
            except ValueError:
                raise ImportFailed(
                    "日時として読めません（例: 2026-04-01 10:30）。",
                    file=filename,
                    row=number,
                    column=column_of["submitted_at"],
                ) from None
        data = services.OpinionInput(
            body=values.get("body", ""),
            channel=channel,
            section_code=values.get("section_code", ""),
            **converted,
        )
        try:
            data = services.validate_opinion(consultation, data)
        except ValidationFailed as exc:
            bad_column = column_of.get(exc.field or "") or exc.field
            raise ImportFailed(exc.message, file=filename, row=number, column=bad_column) from None
        external_id = values.get("external_id", "")
        if external_id:
            if external_id in ids:
                raise ImportFailed(
                    f"ID「{external_id}」が重複しています。",
                    file=filename,
                    row=number,
                    column=column_of["external_id"],
                )
            ids.add(external_id)
        else:
            content = json.dumps([values.get(f, "") for f in sorted(index)], ensure_ascii=False)
            occurrences[content] += 1
            digest = hashlib.sha256(content.encode("utf-8")).hexdigest()[:40]
            external_id = f"row:{digest}:{occurrences[content]}"
        checked.append(_Row(number, data, external_id[:200], submitted_at))
    return checked


def import_file(
    raw: bytes,
    *,
    filename: str,
    consultation_slug: str,
    mapping: dict[str, str] | None = None,
    channel: str = Channel.IMPORT,
    progress: Callable[[int, int], None] | None = None,
    actor: Any = None,
) -> ImportResult:
    """Import every row of a file, or nothing (ImportFailed names row, column and reason)."""
    consultation = get_consultation(consultation_slug)
    if channel not in (Channel.IMPORT, Channel.PAPER, Channel.EVENT):
        raise ImportFailed(f"取り込みのチャネル「{channel}」は使えません。", file=filename)
    table = read_table(raw, filename)
    used = mapping if mapping else auto_mapping(table.columns)
    rows = check_rows(consultation, table, used, channel, filename)
    existing = set(
        Opinion.objects.filter(
            consultation=consultation, external_id__in=[r.external_id for r in rows]
        ).values_list("external_id", flat=True)
    )
    created = 0
    with transaction.atomic():
        for done, row in enumerate(rows, 1):
            if row.external_id not in existing:
                services.submit_opinion(
                    consultation,
                    row.data,
                    external_id=row.external_id,
                    submitted_at=row.submitted_at,
                )
                created += 1
            if progress is not None and (done % 50 == 0 or done == len(rows)):
                progress(done, len(rows))
        if actor is not None:
            from machikoe.core import audit

            audit.record(
                actor,
                "participation.opinion.import",
                consultation,
                after={"file": filename, "rows": len(rows), "created": created},
            )
    return ImportResult(
        rows=len(rows), created=created, skipped=len(rows) - created, encoding=table.encoding
    )
