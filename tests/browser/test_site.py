"""The site frame: home page, こどもモード switch, 404 page; axe on each."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_is_accessible_in_both_modes(page: Any, live_server: Any, accessible: Any) -> None:
    page.goto(live_server.url + "/")
    assert page.locator("h1").inner_text().startswith("まちの声")
    accessible(page)
    page.click("#kodomo-toggle")
    assert page.locator("#kodomo-toggle").get_attribute("aria-pressed") == "true"
    accessible(page)


def test_unknown_page_is_a_japanese_404(page: Any, live_server: Any, accessible: Any) -> None:
    response = page.goto(live_server.url + "/no-such-page/")
    assert response is not None and response.status == 404
    assert "ページが見つかりません" in page.locator("h1").inner_text()
    accessible(page)
