"""Exporting a consultation's opinions as CSV (UTF-8 with BOM, for Excel in Japan), xlsx or JSON.

The public export holds masked text only, and hidden opinions as 非公開（理由）. The staff
export of originals goes through `services.read_originals` (permission checked, audited).
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from django.utils import timezone

from machikoe.core.errors import ValidationFailed
from machikoe.participation import selectors, services
from machikoe.participation.models import (
    AgeBand,
    Channel,
    Consultation,
    District,
    Opinion,
    Relation,
)

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}

HEADER = [
    ("receipt_number", "受付番号"),
    ("submitted_at", "受付日時"),
    ("channel", "チャネル"),
    ("section_code", "対象の節"),
    ("age_band", "年代"),
    ("district", "地域"),
    ("relation", "区との関わり"),
    ("status", "状態"),
    ("text", "本文"),
]


def _label(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))


def rows(
    consultation: Consultation, *, original: bool = False, actor: Any = None
) -> list[dict[str, Any]]:
    if original:
        opinions = list(
            Opinion.objects.filter(consultation=consultation).order_by("submitted_at", "id")
        )
        bodies = services.read_originals(actor, opinions, purpose=f"export {consultation.slug}")
    else:
        opinions = list(selectors.public_opinions(consultation, include_hidden=True))
        bodies = {}
    out = []
    for o in opinions:
        if original:
            text = bodies[o.pk]
        elif o.status == Opinion.Status.HIDDEN:
            text = o.hidden_label()
        else:
            text = o.masked_body
        out.append(
            {
                "receipt_number": o.receipt_number,
                "submitted_at": timezone.localtime(o.submitted_at).isoformat(timespec="seconds"),
                "channel": _label(Channel, o.channel),
                "section_code": o.section_code,
                "age_band": _label(AgeBand, o.age_band),
                "district": _label(District, o.district),
                "relation": _label(Relation, o.relation),
                "status": o.get_status_display(),
                "text": text,
            }
        )
    return out


def export(
    consultation: Consultation, fmt: str, *, original: bool = False, actor: Any = None
) -> tuple[bytes, str]:
    """(file bytes, content type)."""
    if fmt not in FORMATS:
        raise ValidationFailed(
            f"形式「{fmt}」には書き出せません（csv, xlsx, json）。", field="format"
        )
    data = rows(consultation, original=original, actor=actor)
    if fmt == "json":
        payload = {
            "consultation": consultation.slug,
            "title": consultation.title,
            "masked": not original,
            "opinions": data,
        }
        return json.dumps(payload, ensure_ascii=False, indent=1).encode("utf-8"), FORMATS[fmt]
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow([label for _key, label in HEADER])
        for row in data:
            writer.writerow([_safe_cell(row[key]) for key, _label_ in HEADER])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8"), FORMATS[fmt]
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "意見"
    sheet.append([label for _key, label in HEADER])
    for row in data:
        sheet.append([_safe_cell(row[key]) for key, _label_ in HEADER])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue(), FORMATS[fmt]


def _safe_cell(value: Any) -> Any:
    """Keep text that starts with = + - @ from being read as a formula (CSV/Excel injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
