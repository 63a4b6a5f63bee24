"""The JSON API: public reads, submissions, JSON errors naming fields, staff tokens, docs."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from machikoe.core.models import AuditLog
from machikoe.participation import services
from machikoe.participation.models import Consultation, Opinion

pytestmark = pytest.mark.django_db
BASE = "/api/participation"


def post(client: Client, slug: str, data: dict[str, Any], **extra: Any) -> Any:
    return client.post(
        f"{BASE}/consultations/{slug}/opinions", data, content_type="application/json", **extra
    )


def test_get_consultation_and_404(client: Client, consultation: Consultation) -> None:
    data = client.get(f"{BASE}/consultations/plan-draft").json()
    assert (
        data["slug"] == "plan-draft" and data["state"] == "open" and data["state_label"] == "受付中"
    )
    missing = client.get(f"{BASE}/consultations/nothing")
    assert missing.status_code == 404 and missing.json()["field"] == "consultation"


def test_submit_returns_receipt_after_storing(client: Client, consultation: Consultation) -> None:
    r = post(client, "plan-draft", {"body": "鈴木一郎です。公園がほしい。", "age_band": "20s"})
    assert r.status_code == 201, r.content
    receipt = r.json()["receipt_number"]
    o = Opinion.objects.get(receipt_number=receipt)
    assert o.channel == "api" and o.masked_body == "［氏名］です。公園がほしい。"


def test_validation_errors_are_json_with_field(client: Client, consultation: Consultation) -> None:
    r = post(client, "plan-draft", {"body": "x", "district": "渋谷"})
    assert r.status_code == 400 and r.json()["field"] == "district"
    r = post(client, "plan-draft", {"age_band": "20s"})
    assert r.status_code == 422
    assert any("body" in d["loc"] for d in r.json()["detail"])
    r = post(client, "plan-draft", {"body": "あ" * 4001})
    assert r.status_code == 400 and r.json()["code"] == "too_long" and r.json()["field"] == "body"


def test_honeypot_duplicate_and_rate_limit(
    client: Client, consultation: Consultation, monkeypatch: Any
) -> None:
    r = post(client, "plan-draft", {"body": "ボットです", "website": "http://spam.example"})
    assert r.status_code == 400 and r.json()["field"] == "website"
    assert post(client, "plan-draft", {"body": "一度だけ"}).status_code == 201
    r = post(client, "plan-draft", {"body": "一度だけ"})
    assert r.status_code == 409 and r.json()["code"] == "duplicate"
    monkeypatch.setenv("MACHIKOE_RATE_PER_CLIENT", "3/m")
    codes = [post(client, "plan-draft", {"body": f"意見{n}"}).status_code for n in range(4)]
    assert codes[-1] == 429
    assert Opinion.objects.count() == 1 + codes.count(201)


def test_closed_consultation_refuses(client: Client, consultation: Consultation) -> None:
    consultation.closes_at = consultation.opens_at
    consultation.save()
    r = post(client, "plan-draft", {"body": "遅れました"})
    assert r.status_code == 409 and r.json()["code"] == "closed"


def test_public_list_is_masked_approved_and_paged(
    client: Client, consultation: Consultation, staff: Any
) -> None:
    opinions = [
        services.submit_opinion(
            consultation, services.OpinionInput(body=f"意見{n} 電話03-1111-22{n:02d}")
        )
        for n in range(5)
    ]
    for o in opinions[:4]:
        services.moderate(staff, o, "approve")
    services.moderate(staff, opinions[3], "hide", "personal_data")
    page = client.get(f"{BASE}/consultations/plan-draft/opinions?page=1&page_size=2").json()
    assert page["count"] == 4 and page["pages"] == 2 and len(page["items"]) == 2
    assert all(
        "［電話番号］" in item["text"] and "03-" not in item["text"] for item in page["items"]
    )
    last = client.get(f"{BASE}/consultations/plan-draft/opinions?page=2&page_size=2").json()
    assert last["items"][-1]["text"] == "非公開（個人情報）" and last["items"][-1]["hidden"]
    assert "body" not in last["items"][0]


def test_staff_endpoints_need_a_token(
    client: Client, consultation: Consultation, staff: Any, officer: Any
) -> None:
    o = services.submit_opinion(consultation, services.OpinionInput(body="高橋です"))
    url = f"{BASE}/staff/consultations/plan-draft/opinions"
    assert client.get(url).status_code == 401
    assert client.get(url, HTTP_AUTHORIZATION="Bearer mk_nope").status_code == 401
    _t, key = services.create_api_token(staff, staff, "t")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    items = client.get(url, **auth).json()
    assert items[0]["status"] == "pending" and items[0]["text"] == "［氏名］です"
    r = client.post(
        f"{BASE}/staff/opinions/{o.pk}/moderation",
        {"action": "hide", "reason": "spam"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["status"] == "hidden"
    assert client.get(f"{BASE}/staff/opinions/{o.pk}/original", **auth).status_code == 403
    _t2, key2 = services.create_api_token(staff, officer, "o")
    r = client.get(f"{BASE}/staff/opinions/{o.pk}/original", HTTP_AUTHORIZATION=f"Bearer {key2}")
    assert r.json()["body"] == "高橋です"
    assert (
        AuditLog.objects.filter(action="participation.opinion.view_original", actor=officer).count()
        == 1
    )


def test_openapi_document_and_docs_page_without_cdn(client: Client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert "/api/participation/consultations/{slug}/opinions" in schema["paths"]
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "cdn." not in html and "jsdelivr" not in html


def test_rate_limit_fails_open_when_the_cache_is_down(
    client: Client, consultation: Consultation, monkeypatch: Any
) -> None:
    def broken(*_a: Any, **_k: Any) -> bool:
        raise ConnectionError("cache down")

    monkeypatch.setattr("machikoe.participation.ratelimits.is_ratelimited", broken)
    assert post(client, "plan-draft", {"body": "キャッシュが落ちても受け付ける"}).status_code == 201
