"""Deliberation pages in Chromium: axe on every public page in both こどもモード states,
voting with JavaScript turned off, and the live results map."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from machikoe.deliberation import services
from machikoe.deliberation.models import Conversation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def conversation() -> Conversation:
    conv = services.create_conversation(
        None, slug="koen", title="公園の使い方", question="公園をどう使いたいですか？"
    )
    texts = [
        "ボール遊びを認める。",
        "ベンチを増やす。",
        "木を増やす。",
        "夜は静かにする。",
        "花壇をつくる。",
        "遊具を新しくする。",
        "イベントを開く。",
    ]
    for text in texts:
        services.add_seed_statement(conv, None, text)
    for i in range(16):
        p = services.participant_for(conv)
        assert p is not None
        camp = 1 if i % 2 else -1
        for n in range(len(texts)):
            services.cast_vote(conv, p, n, camp if n % 2 else -camp)
    return conv


@pytest.fixture
def no_js_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.mark.parametrize(
    "path", ["/deliberation/", "/deliberation/koen/", "/deliberation/koen/results/"]
)
def test_public_pages_are_accessible_in_both_modes(
    page: Any, live_server: Any, accessible: Any, conversation: Conversation, path: str
) -> None:
    page.goto(live_server.url + path)
    accessible(page)
    page.click("#kodomo-toggle")
    assert page.locator("#kodomo-toggle").get_attribute("aria-pressed") == "true"
    accessible(page)


def test_voting_works_without_javascript(
    no_js_page: Any, live_server: Any, conversation: Conversation
) -> None:
    page = no_js_page
    page.goto(live_server.url + "/deliberation/koen/")
    first = page.locator(".delib-statement").inner_text()
    page.get_by_role("button", name="賛成").click()
    page.wait_for_load_state()
    assert page.locator(".delib-statement").inner_text() != first
    assert "1 / 7" in page.content()
    page.get_by_role("button", name="パス・わからない").click()
    page.wait_for_load_state()
    assert "2 / 7" in page.content()
    # (axe cannot run with JavaScript off; the same page is checked in the test above.)


def test_results_map_draws_and_tables_list_groups(
    page: Any, live_server: Any, conversation: Conversation
) -> None:
    page.goto(live_server.url + "/deliberation/koen/results/")
    page.wait_for_selector("#opinion-map .main-svg")
    assert page.locator("#results-live table").count() >= 3
    assert "グループA" in page.content() and "グループB" in page.content()
