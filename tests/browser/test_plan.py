"""A visitor reads the plan in Chromium; axe-core finds no WCAG 2.1 A/AA violation on any
public plan page, with and without こどもモード."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

PUBLIC_PAGES = [
    "/plan/",
    "/plan/C7/",
    "/plan/V1/",
    "/plan/V2/",
    "/plan/V3/",
    "/plan/V4/",
    "/plan/V5/",
    "/plan/V6/",
    "/plan/V4-2/",
    "/plan/glossary/",
    "/plan/readability/",
    "/plan/versions/",
    "/plan/versions/1/2/",
]


@pytest.fixture
def plan(transactional_db: Any, django_user_model: Any) -> Any:
    from machikoe.plan import presentation, services
    from machikoe.plan.loader import SEED_FILE, load_file

    presentation.clear_cache()
    result = load_file(SEED_FILE)
    staff = django_user_model.objects.create_user("shokuin", is_staff=True)
    services.edit_section(
        staff, result.version, "V5-4", title="SDGsを意識した施策展開の推進", body="本文の例。"
    )
    return result


def test_visitor_reads_the_plan_and_switches_kodomo_mode(
    page: Any, live_server: Any, plan: Any
) -> None:
    page.goto(live_server.url + "/")
    page.get_by_role("navigation", name="メインメニュー").get_by_role("link", name="計画").click()
    assert page.locator("h1").inner_text() == "次期基本計画策定の考え方"
    page.click("a[href='/plan/V4/']")
    assert "子ども・若者支援と教育の充実" in page.locator("h1").inner_text()
    assert page.locator("ol.plan-list > li").count() == 6
    # the glossary term ネウボラ links to its entry
    page.locator("a.term-link", has_text="ネウボラ").first.click()
    page.wait_for_url("**/plan/glossary/#term-7")
    assert "フィンランド語" in page.locator("#term-7 + dd").inner_text()
    # こどもモード: ruby appears and is remembered on the next page
    page.goto(live_server.url + "/plan/V2/")
    assert page.locator("ruby").count() == 0
    page.click("#kodomo-toggle")
    page.wait_for_load_state()
    assert page.locator("#kodomo-toggle").get_attribute("aria-pressed") == "true"
    assert page.locator("h1 ruby").count() > 0
    assert page.locator("h1 rt").first.inner_text() == "だれ"
    page.goto(live_server.url + "/plan/glossary/")
    assert page.locator("main ruby").count() > 0


def test_glossary_explanation_shows_on_keyboard_focus(
    page: Any, live_server: Any, plan: Any
) -> None:
    page.goto(live_server.url + "/plan/C7/")
    note = page.locator("h1 .term-note")
    assert note.inner_text().endswith("証拠に基づく政策立案。）")
    before = note.bounding_box()
    page.locator("h1 a.term-link").focus()
    after = note.bounding_box()
    assert before is not None and after is not None
    assert after["width"] > before["width"]  # the pop-up opened


@pytest.mark.parametrize("kodomo", [False, True], ids=["normal", "kodomo"])
def test_every_public_plan_page_is_accessible(
    page: Any, live_server: Any, accessible: Any, plan: Any, kodomo: bool
) -> None:
    if kodomo:
        page.context.add_cookies(
            [{"name": "machikoe_kodomo", "value": "1", "url": live_server.url}]
        )
    for path in PUBLIC_PAGES:
        response = page.goto(live_server.url + path)
        assert response is not None and response.status == 200, path
        if kodomo:
            assert page.locator("main ruby").count() > 0, path
        accessible(page)


def test_unknown_section_is_a_japanese_404(
    page: Any, live_server: Any, accessible: Any, plan: Any
) -> None:
    response = page.goto(live_server.url + "/plan/V7/")
    assert response is not None and response.status == 404
    assert "ページが見つかりません" in page.locator("h1").inner_text()
    accessible(page)
