"""Export: CSV with BOM, xlsx, JSON; public = masked; staff originals need the permission."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from machikoe.core.errors import NotAllowed
from machikoe.core.models import AuditLog
from machikoe.participation import exporting, services
from machikoe.participation.models import Consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def opinions(consultation: Consultation, staff: Any) -> list[Any]:
    items = [
        services.submit_opinion(consultation, services.OpinionInput(body=text, age_band="30s"))
        for text in ("田中一郎です。090-1111-2222", '=HYPERLINK("x")', "隠す意見")
    ]
    for o in items:
        services.moderate(staff, o, "approve")
    services.moderate(staff, items[2], "hide", "abuse")
    return items


def test_public_csv_is_masked_with_bom(consultation: Consultation, opinions: list[Any]) -> None:
    data, content_type = exporting.export(consultation, "csv")
    assert data.startswith(b"\xef\xbb\xbf") and "charset=utf-8" in content_type
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "受付番号" and len(rows) == 4
    texts = [r[-1] for r in rows[1:]]
    assert texts[0] == "［氏名］です。［電話番号］"
    assert texts[1].startswith("'=")  # no formula injection in Excel
    assert texts[2] == "非公開（誹謗中傷）"
    assert rows[1][4] == "30代"


def test_xlsx_and_json(consultation: Consultation, opinions: list[Any]) -> None:
    data, _ = exporting.export(consultation, "xlsx")
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None and sheet.cell(2, 9).value == "［氏名］です。［電話番号］"
    payload = json.loads(exporting.export(consultation, "json")[0])
    assert payload["masked"] is True and len(payload["opinions"]) == 3
    assert "田中" not in json.dumps(payload, ensure_ascii=False)


def test_original_export_needs_permission_and_is_audited(
    consultation: Consultation, opinions: list[Any], staff: Any, officer: Any
) -> None:
    with pytest.raises(NotAllowed):
        exporting.export(consultation, "csv", original=True, actor=staff)
    data, _ = exporting.export(consultation, "csv", original=True, actor=officer)
    assert "田中一郎です。090-1111-2222" in data.decode("utf-8-sig")
    log = AuditLog.objects.get(action="participation.opinion.view_original")
    assert log.actor_id == officer.pk and len(log.after["ids"]) == 3


def test_export_views(
    client: Client, consultation: Consultation, opinions: list[Any], staff: Any, officer: Any
) -> None:
    r = client.get("/consultations/plan-draft/export.csv")
    assert r.status_code == 200 and "attachment" in r["Content-Disposition"]
    assert "田中" not in r.content.decode("utf-8-sig")
    assert client.get("/consultations/plan-draft/export.exe").status_code == 404
    assert client.get("/consultations/plan-draft/staff/export.csv?original=1").status_code == 302
    client.force_login(staff)
    r = client.get("/consultations/plan-draft/staff/export.csv?original=1")
    assert r.status_code == 302  # refused, back to the page with a message
    client.force_login(officer)
    r = client.get("/consultations/plan-draft/staff/export.csv?original=1")
    assert r.status_code == 200 and "田中一郎" in r.content.decode("utf-8-sig")
