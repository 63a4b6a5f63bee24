"""The EBPM dashboard in Chromium: charts drawn under the CSP, tables beside them, axe clean
in both こどもモード states, on the dashboard, an indicator page and the logic model."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PERSPECTIVES = {
    "V1": "コロナ禍からの復興・物価高騰等から区民生活と区内経済を守る",
    "V2": "誰もが住み慣れた地域で安心して暮らすことができる社会",
    "V3": "地域コミュニティ",
    "V4": "子ども・若者支援と教育の充実",
    "V5": "持続可能な循環型社会",
    "V6": "新たな自治体経営",
}


@pytest.fixture
def demo(transactional_db: Any) -> None:
    """The plan's perspectives and the EBPM demo (real public statistics)."""
    from machikoe.ebpm.demo import load_demo
    from machikoe.plan.models import Plan, PlanVersion, Section

    plan = Plan.objects.create(slug="browser-plan", title="次期基本計画策定の考え方")
    version = PlanVersion.objects.create(plan=plan, number=1, label="第1版")
    group = Section.objects.create(
        version=version, code="V", kind="group", order=0, title="主な視点"
    )
    for order, (code, title) in enumerate(PERSPECTIVES.items(), start=1):
        Section.objects.create(
            version=version, parent=group, code=code, kind="perspective", order=order, title=title
        )
    load_demo(lambda message: None)


def _watch_console(page: Any) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    return errors


def test_dashboard_draws_charts_and_is_accessible_in_both_modes(
    page: Any, live_server: Any, accessible: Any, demo: None
) -> None:
    errors = _watch_console(page)
    page.goto(live_server.url + "/ebpm/?year=2025")
    assert page.locator("h1").inner_text().startswith("成果指標")
    page.wait_for_selector(".ebpm-chart[data-drawn='1']")
    drawn = page.locator(".ebpm-chart[data-drawn='1']").count()
    assert drawn >= 5
    assert page.locator(".ebpm-chart[data-drawn='1'] .main-svg").count() >= drawn
    # Every chart has its table right after it.
    assert (
        page.locator("figure.ebpm-figure + table.ebpm-data").count()
        == page.locator(".ebpm-chart").count()
    )
    assert page.get_by_text("例示の目標").first.is_visible()
    assert page.locator("#formulas").get_by_text("進捗率").first.is_visible()
    accessible(page)
    page.click("#kodomo-toggle")
    assert page.locator("#kodomo-toggle").get_attribute("aria-pressed") == "true"
    page.wait_for_selector(".ebpm-chart[data-drawn='1']")
    accessible(page)
    assert not [e for e in errors if "Content Security Policy" in e or "Refused" in e], errors


def test_indicator_page_and_logic_model_are_accessible(
    page: Any, live_server: Any, accessible: Any, demo: None
) -> None:
    from machikoe.ebpm.models import Indicator

    waiting = Indicator.objects.get(code="waiting-children")
    errors = _watch_console(page)
    page.goto(f"{live_server.url}/ebpm/indicators/{waiting.pk}/")
    page.wait_for_selector(".ebpm-chart[data-drawn='1']")
    assert page.get_by_text("観測値と改定の履歴").is_visible()
    assert page.get_by_text("まだ分析結果がありません").first.is_visible()
    accessible(page)
    page.click("#kodomo-toggle")
    accessible(page)
    page.goto(live_server.url + "/ebpm/logic-model/")
    assert page.get_by_text("成果指標につながっていない施策・事業").is_visible()
    accessible(page)
    page.click("#kodomo-toggle")
    accessible(page)
    assert not errors, errors


def test_staff_pages_are_accessible(
    page: Any, live_server: Any, accessible: Any, demo: None, django_user_model: Any
) -> None:
    django_user_model.objects.create_user("shokuin", password="long-enough-pw-1", is_staff=True)
    page.goto(live_server.url + "/login/?next=/ebpm/manage/")
    page.fill("#id_username", "shokuin")
    page.fill("#id_password", "long-enough-pw-1")
    page.click("form.form button[type=submit]")
    page.wait_for_url("**/ebpm/manage/")
    assert page.get_by_text("ファイルから取り込む").is_visible()
    accessible(page)
    for path in ("/ebpm/manage/indicators/new/", "/ebpm/manage/measures/new/"):
        page.goto(live_server.url + path)
        accessible(page)
    # A refused edit shows the reason on the form, still accessible.
    page.goto(live_server.url + "/ebpm/manage/indicators/new/")
    page.fill("#id_code", "T1")
    page.fill("#id_name", "テスト指標")
    page.fill("#id_baseline_year", "2030")
    page.fill("#id_baseline_value", "1")
    page.fill("#id_target_year", "2020")
    page.fill("#id_target_value", "2")
    page.click("main form button[type=submit]")
    assert page.get_by_text("基準年より後").first.is_visible()
    accessible(page)


def test_council_report_opens_offline_with_charts(
    page: Any, demo: None, tmp_path: Any, accessible: Any
) -> None:
    from machikoe.ebpm.reports import council_report_html

    report = tmp_path / "report.html"
    report.write_text(council_report_html(year=2025), encoding="utf-8")
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
    page.wait_for_selector(".chart .main-svg")
    assert page.locator(".chart .main-svg").count() >= 5
    assert all(url.startswith(("file:", "data:", "blob:")) for url in requests), requests
    accessible(page)
