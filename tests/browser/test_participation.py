"""Participation in Chromium: the real form (confirm → receipt), the youth form, XSS never
runs, and axe-core finds no WCAG 2.1 A/AA violation on any public page of this area."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import caches
from django.utils import timezone

from machikoe.participation import services
from machikoe.participation.models import Consultation, Opinion

pytestmark = pytest.mark.django_db(transaction=True)

XSS = [
    '<img src=x onerror="window.__xss=1">',
    "<script>window.__xss=2</script>",
    '<svg onload="window.__xss=3"></svg>',
    '"><iframe srcdoc="<script>parent.__xss=4</script>">',
]


@pytest.fixture(autouse=True)
def local_cache(settings: Any) -> Any:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    caches["default"].clear()
    yield


@pytest.fixture
def consultation(db: Any) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        slug="draft",
        title="計画素案への意見募集",
        description="素案について、区民のみなさんの意見を募集します。",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=7),
    )


def test_submit_through_the_form(
    page: Any, live_server: Any, consultation: Consultation, accessible: Any
) -> None:
    page.goto(f"{live_server.url}/consultations/draft/submit/")
    accessible(page)
    page.fill("#id_body", "公園のベンチを増やしてほしいです。佐藤一郎")
    page.select_option("#id_age_band", "40s")
    page.select_option("#id_district", "tamagawa")
    page.click("#confirm-button")
    assert "送信内容の確認" in page.content()
    assert Opinion.objects.count() == 0
    accessible(page)
    page.click("#commit-button")
    number = page.locator("#receipt-number").inner_text()
    accessible(page)
    o = Opinion.objects.get()
    assert o.receipt_number == number and o.district == "tamagawa"
    assert o.masked_body == "公園のベンチを増やしてほしいです。［氏名］"


def test_youth_form(
    page: Any, live_server: Any, consultation: Consultation, accessible: Any
) -> None:
    page.set_viewport_size({"width": 375, "height": 740})  # a phone
    page.goto(f"{live_server.url}/consultations/draft/youth/")
    assert page.locator("ruby").count() > 0
    accessible(page)
    page.fill("#id_body", "放課後に勉強できる場所がほしい")
    page.select_option("#id_age_band", "high_school")
    page.click("#confirm-button")
    accessible(page)
    page.click("#commit-button")
    assert page.locator("#receipt-number").inner_text()
    accessible(page)
    assert Opinion.objects.get().channel == "youth_web"


def test_form_errors_are_accessible(
    page: Any, live_server: Any, consultation: Consultation, accessible: Any
) -> None:
    page.goto(f"{live_server.url}/consultations/draft/submit/")
    page.click("#confirm-button")
    assert "ご意見を入力してください" in page.content()
    accessible(page)


def test_xss_never_runs_and_public_pages_are_accessible(
    page: Any, live_server: Any, consultation: Consultation, accessible: Any, django_user_model: Any
) -> None:
    staff = django_user_model.objects.create_user("s", password="pw-123456!", is_staff=True)
    for n, payload in enumerate(XSS):
        o = services.submit_opinion(
            consultation, services.OpinionInput(body=payload, age_band="30s")
        )
        services.moderate(staff, o, "approve")
        if n == 0:
            services.moderate(staff, o, "hide", "spam")
    services.submit_opinion(
        consultation, services.OpinionInput(body="子どもです", age_band="elementary")
    )
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in ("/consultations/", "/consultations/draft/", "/consultations/draft/stats/"):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None
        accessible(page)
    assert dialogs == []
    assert page.locator("#chart-age svg").count() > 0  # Plotly drew the chart (served locally)
    page.goto(f"{live_server.url}/consultations/draft/")
    assert "非公開（スパム）" in page.content()
    visible = Opinion.objects.filter(status="approved").first()
    assert visible is not None
    page.goto(f"{live_server.url}/consultations/draft/opinions/{visible.pk}/report/")
    accessible(page)
    page.select_option("#id_reason", "abuse")
    page.click("button[type=submit] >> text=通報する")
    assert visible.reports.count() == 1


def test_closed_consultation_page(
    page: Any, live_server: Any, consultation: Consultation, accessible: Any
) -> None:
    consultation.closes_at = timezone.now() - timedelta(hours=1)
    consultation.save()
    page.goto(f"{live_server.url}/consultations/draft/submit/")
    assert "受付終了" in page.content() and page.locator("textarea").count() == 0
    accessible(page)


def test_api_docs_render_without_cdn(page: Any, live_server: Any) -> None:
    external: list[str] = []
    page.on(
        "request",
        lambda r: (
            external.append(r.url)
            if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
            else None
        ),
    )
    page.goto(f"{live_server.url}/api/docs")
    page.wait_for_selector("#swagger-ui .info", timeout=15000)
    assert "participation" in page.content()
    assert external == []
