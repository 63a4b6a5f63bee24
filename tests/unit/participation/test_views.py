"""Pages: the no-JavaScript form with confirmation and receipt, the youth form, closed
consultations, honeypot, XSS, statistics, and the staff pages (access, moderation, import)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from machikoe.core.models import AuditLog
from machikoe.participation import services
from machikoe.participation.models import Consultation, Opinion

pytestmark = pytest.mark.django_db
FORM = "/consultations/plan-draft/submit/"

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    '"><script>alert(document.cookie)</script>',
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    "{{7*7}}{% debug %}",
    "<body onload=alert(1)>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
]


def test_form_confirm_commit_receipt(client: Client, consultation: Consultation) -> None:
    page = client.get(FORM + "?section=V4-1")
    assert page.status_code == 200 and 'value="V4-1" selected' in page.content.decode()
    data = {
        "body": "公園を増やして",
        "age_band": "30s",
        "district": "kinuta",
        "relation": "resident",
        "section_code": "V4-1",
        "website": "",
    }
    confirm = client.post(FORM, {**data, "step": "confirm"})
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "送信内容の確認" in html and "砧" in html
    assert Opinion.objects.count() == 0  # nothing stored before the commit
    edit = client.post(FORM, {**data, "step": "edit"})
    assert "公園を増やして" in edit.content.decode() and Opinion.objects.count() == 0
    done = client.post(FORM, {**data, "step": "commit"})
    assert done.status_code == 302
    o = Opinion.objects.get()
    assert done["Location"].endswith(f"/receipt/{o.receipt_number}/")
    receipt = client.get(done["Location"])
    assert o.receipt_number in receipt.content.decode()
    assert (o.channel, o.section_code, o.district) == ("web", "V4-1", "kinuta")
    assert client.get("/consultations/plan-draft/receipt/NOPE/").status_code == 404


def test_form_errors_are_shown(client: Client, consultation: Consultation) -> None:
    r = client.post(FORM, {"body": "", "step": "confirm"})
    assert r.status_code == 400 and "ご意見を入力してください" in r.content.decode()
    r = client.post(FORM, {"body": "あ" * 4001, "step": "commit"})
    assert r.status_code == 400 and "4,000字以内" in r.content.decode()
    assert Opinion.objects.count() == 0


def test_honeypot(client: Client, consultation: Consultation) -> None:
    r = client.post(FORM, {"body": "spam", "website": "http://x", "step": "commit"})
    assert r.status_code == 400 and Opinion.objects.count() == 0


def test_youth_form(client: Client, consultation: Consultation) -> None:
    page = client.get("/consultations/plan-draft/youth/")
    html = page.content.decode()
    assert "<ruby>考<rt>かんが</rt></ruby>" in html  # furigana by default on the youth page
    r = client.post(
        "/consultations/plan-draft/youth/",
        {"body": "公園でサッカーしたい", "age_band": "junior_high", "step": "commit"},
    )
    assert r.status_code == 302 and r["Location"].endswith("?youth=1")
    assert Opinion.objects.get().channel == "youth_web"
    assert "ありがとう" in client.get(r["Location"]).content.decode()


def test_closed_consultation_shows_state_and_accepts_nothing(
    client: Client, consultation: Consultation
) -> None:
    consultation.opens_at = timezone.now() + timedelta(days=2)
    consultation.closes_at = timezone.now() + timedelta(days=3)
    consultation.save()
    page = client.get(FORM)
    assert "受付前" in page.content.decode() and "<textarea" not in page.content.decode()
    r = client.post(FORM, {"body": "早すぎ", "step": "commit"})
    assert r.status_code == 409 and Opinion.objects.count() == 0


def test_rate_limit_on_form(client: Client, consultation: Consultation, monkeypatch: Any) -> None:
    monkeypatch.setenv("MACHIKOE_RATE_PER_CLIENT", "2/m")
    codes = [
        client.post(FORM, {"body": f"意見{n}", "step": "commit"}).status_code for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_xss_payloads_are_never_markup(
    client: Client, consultation: Consultation, staff: Any
) -> None:
    for payload in XSS_PAYLOADS:
        o = services.submit_opinion(consultation, services.OpinionInput(body=payload))
        services.moderate(staff, o, "approve")
    html = client.get("/consultations/plan-draft/").content.decode()
    for payload in XSS_PAYLOADS:
        if "<" in payload:
            assert payload not in html
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg/onload" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_public_pages_and_report(client: Client, consultation: Consultation, staff: Any) -> None:
    o = services.submit_opinion(consultation, services.OpinionInput(body="電話03-1234-5678まで"))
    services.moderate(staff, o, "approve")
    assert "計画素案への意見募集" in client.get("/consultations/").content.decode()
    detail = client.get("/consultations/plan-draft/").content.decode()
    assert "［電話番号］" in detail and "03-1234-5678" not in detail
    assert client.get(f"/consultations/plan-draft/opinions/{o.pk}/report/").status_code == 200
    r = client.post(
        f"/consultations/plan-draft/opinions/{o.pk}/report/", {"reason": "personal_data"}
    )
    assert r.status_code == 302 and o.reports.count() == 1
    services.moderate(staff, o, "hide", "personal_data")
    assert "非公開（個人情報）" in client.get("/consultations/plan-draft/").content.decode()
    assert client.get("/consultations/none/").status_code == 404


def test_stats_page(client: Client, consultation: Consultation) -> None:
    services.submit_opinion(consultation, services.OpinionInput(body="a", age_band="elementary"))
    services.submit_opinion(consultation, services.OpinionInput(body="b", age_band="50s"))
    html = client.get("/consultations/plan-draft/stats/").content.decode()
    assert 'id="participation-stats"' in html and "50.0%" in html
    assert "plotly" in html and "cdn" not in html.lower()
    assert "<table>" in html


def test_staff_pages_need_staff(client: Client, consultation: Consultation, resident: Any) -> None:
    url = "/consultations/plan-draft/staff/moderation/"
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403


def test_staff_create_and_moderate(client: Client, consultation: Consultation, staff: Any) -> None:
    client.force_login(staff)
    r = client.post(
        "/consultations/staff/new/",
        {
            "slug": "new-one",
            "title": "新しい募集",
            "description": "",
            "opens_at": "2026-04-01T09:00",
            "closes_at": "2026-05-01T17:00",
            "channels": ["web", "youth_web"],
            "ask_age_band": "on",
            "section_codes_text": "V1, V2",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    c = Consultation.objects.get(slug="new-one")
    assert c.channels == ["web", "youth_web"] and c.section_codes == ["V1", "V2"]
    assert timezone.localtime(c.opens_at).hour == 9  # Asia/Tokyo
    o = services.submit_opinion(consultation, services.OpinionInput(body="確認待ち"))
    page = client.get("/consultations/plan-draft/staff/moderation/")
    assert "確認待ち" in page.content.decode()
    client.post(
        "/consultations/plan-draft/staff/moderation/",
        {"opinion": o.pk, "action": "hide", "reason": "duplicate"},
    )
    o.refresh_from_db()
    assert (o.status, o.hidden_reason) == ("hidden", "duplicate")


def test_staff_opinion_page_original_and_masking(
    client: Client, consultation: Consultation, staff: Any, officer: Any
) -> None:
    o = services.submit_opinion(
        consultation, services.OpinionInput(body="森田です。北沢に住んでいます。")
    )
    url = f"/consultations/plan-draft/staff/opinions/{o.pk}/"
    client.force_login(staff)
    html = client.get(url + "?original=1").content.decode()
    assert (
        "北沢に住んでいます" not in html.split("公開用の本文")[0]
        and 'id="original-text"' not in html
    )
    assert not AuditLog.objects.filter(action="participation.opinion.view_original").exists()
    client.force_login(officer)
    html = client.get(url + "?original=1").content.decode()
    assert 'id="original-text"' in html
    assert AuditLog.objects.filter(action="participation.opinion.view_original").count() == 1
    client.post(url, {"do": "add", "text": "北沢", "category": "address"})
    o.refresh_from_db()
    assert "［住所］" in o.masked_body
    client.post(url, {"do": "remove", "span": ["0"]})
    o.refresh_from_db()
    assert o.masked_body.startswith("森田です")


def test_staff_import_flow(
    client: Client, consultation: Consultation, staff: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DATA_DIR = tmp_path
    client.force_login(staff)
    raw = "no,text\n1,田中です。歩道を\n2,街灯を\n".encode("cp932")
    r = client.post(
        "/consultations/plan-draft/staff/import/",
        {"file": SimpleUploadedFile("p.csv", raw), "channel": "paper"},
    )
    assert r.status_code == 302
    page = client.get("/consultations/plan-draft/staff/import/map/").content.decode()
    assert "cp932" in page and "［氏名］" in page and "田中" not in page
    bad = client.post(
        "/consultations/plan-draft/staff/import/map/", {"map-0": "external_id", "map-1": "ignore"}
    )
    assert "本文" in bad.content.decode() and Opinion.objects.count() == 0
    ok = client.post(
        "/consultations/plan-draft/staff/import/map/", {"map-0": "external_id", "map-1": "body"}
    )
    assert ok.status_code == 302 and Opinion.objects.filter(channel="paper").count() == 2
    assert AuditLog.objects.filter(action="participation.opinion.import").exists()


def test_per_section_form_shows_the_section(client: Client, db: Any, staff: Any) -> None:
    from machikoe.plan.loader import load_seed_if_empty

    load_seed_if_empty()
    from machikoe.plan import selectors as plan_selectors

    version = plan_selectors.current_version()
    now = timezone.now()
    Consultation.objects.create(
        slug="sec",
        title="t",
        plan_version=version,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=1),
        section_codes=["V4", "V4-1"],
    )
    html = client.get("/consultations/sec/submit/?section=V4-1").content.decode()
    assert 'id="section-title"' in html and "V4-1" in html
    html = client.get("/consultations/sec/submit/?section=V5").content.decode()
    assert 'id="section-title"' not in html  # not open for comment in this consultation
    detail = client.get("/consultations/sec/").content.decode()
    assert "?section=V4-1" in detail and "?section=V5" not in detail
