"""広聴 pages in Chromium: charts drawn, filters without JS, axe clean in both こどもモード states,
and staff watching an analysis run in the background."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from machikoe.listening import services
from machikoe.listening.execution import execute
from machikoe.listening.models import AnalysisRun, RunCluster
from machikoe.participation.models import Consultation, Opinion
from tests.unit.listening_app.opinion_data import AGE_CYCLE, DISTRICT_CYCLE, SUFFIXES, THEMES

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = "03-1234-5678"


def _published_run(settings: Any, django_user_model: Any) -> AnalysisRun:
    settings.LISTENING_PRECOMPUTE_VECTORIZERS = ()
    now = timezone.now()
    consultation = Consultation.objects.create(
        slug="browser-plan",
        title="次期基本計画（素案）への意見",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )
    opinions = []
    combos = [
        (s, x) for sents in THEMES.values() for s, x in itertools.product(sents, SUFFIXES[:2])
    ]
    for i, (sentence, suffix) in enumerate(combos):
        opinions.append(
            Opinion(
                consultation=consultation,
                receipt_number=f"B-{i:05d}",
                channel="web",
                body=sentence + suffix + (f" 連絡先 {PHONE}" if i == 0 else ""),
                masked_body=sentence + suffix + (" 連絡先 ［電話番号］" if i == 0 else ""),
                age_band=AGE_CYCLE[i % len(AGE_CYCLE)],
                district=DISTRICT_CYCLE[i % len(DISTRICT_CYCLE)],
                status=Opinion.Status.APPROVED,
                submitted_at=now - timedelta(minutes=i + 1),
            )
        )
    Opinion.objects.bulk_create(opinions)
    staff = django_user_model.objects.create_user(
        "staff-b", password="pw-test-12345", is_staff=True
    )
    run = execute(services.start_analysis(staff, consultation, vectorizer="fast").pk)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.message
    services.set_published(staff, run, True)
    return run


def test_public_listening_pages_are_accessible_in_both_modes(
    page: Any, live_server: Any, accessible: Any, settings: Any, django_user_model: Any
) -> None:
    run = _published_run(settings, django_user_model)
    base = f"{live_server.url}/listening/{run.consultation.slug}/{run.number}/"
    topic = RunCluster.objects.filter(run=run, parent_key="").first()
    assert topic is not None
    paths = [
        f"{live_server.url}/listening/",
        f"{live_server.url}/listening/{run.consultation.slug}/",
        base,
        base + f"topics/{topic.key}/",
        base + "perspectives/V1/",
        base + "youth/",
    ]
    for kodomo in (False, True):
        if kodomo:
            page.goto(paths[0])
            page.click("#kodomo-toggle")
            assert page.locator("#kodomo-toggle").get_attribute("aria-pressed") == "true"
        for url in paths:
            page.goto(url)
            assert PHONE not in page.content()
            if url == base:
                page.wait_for_selector("#scatter-chart .main-svg")
                page.wait_for_selector("#treemap-chart .main-svg")
            accessible(page)


def test_filters_work_without_javascript(
    browser: Any, live_server: Any, settings: Any, django_user_model: Any
) -> None:
    run = _published_run(settings, django_user_model)
    context = browser.new_context(java_script_enabled=False, locale="ja-JP")
    page = context.new_page()
    page.goto(f"{live_server.url}/listening/{run.consultation.slug}/{run.number}/")
    page.select_option("#filter-age_band", "high_school")
    page.click(".filters button[type=submit]")
    assert "age_band=high_school" in page.url
    assert "絞り込み中" in page.locator(".filter-state").inner_text()
    context.close()


def test_staff_start_and_watch_progress(
    page: Any, live_server: Any, accessible: Any, settings: Any, django_user_model: Any
) -> None:
    run = _published_run(settings, django_user_model)
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "staff-b")
    page.fill("input[name=password]", "pw-test-12345")
    page.click("main form.form button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}/listening/{run.consultation.slug}/")
    page.select_option("#id_vectorizer", "fast")
    page.click("#start-heading ~ form button[type=submit]")
    page.wait_for_selector("#run-progress")
    assert "待機中" in page.locator("#run-progress").inner_text()
    accessible(page)
    second = AnalysisRun.objects.get(consultation=run.consultation, number=2)
    execute(second.pk)  # the worker's job; the page follows by polling
    page.wait_for_url(f"**/listening/{run.consultation.slug}/2/", timeout=15000)
    page.wait_for_selector("#scatter-chart .main-svg")
