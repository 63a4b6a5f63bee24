"""Browser tests: Playwright driving Debian's Chromium against a live server, axe-core checks.

Use the `page` fixture with `live_server.url`, and `assert_accessible(page)` on every public
page (zero WCAG 2.1 A/AA violations).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("MACHIKOE_CHROMIUM", "/usr/bin/chromium")
WCAG_TAGS = {"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set MACHIKOE_CHROMIUM"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(locale="ja-JP", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def assert_accessible(page: Any) -> None:
    """Run axe-core on the page and fail on any WCAG 2.1 A/AA violation, listing them."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": sorted(WCAG_TAGS)}})
    violations = results.response.get("violations", [])
    if violations:
        lines = [
            f"{v['id']} ({v['impact']}): {v['help']} — "
            + "; ".join(n["target"][0] if n.get("target") else "?" for n in v["nodes"][:5])
            for v in violations
        ]
        pytest.fail(
            f"axe-core found {len(violations)} violation(s) on {page.url}:\n" + "\n".join(lines)
        )


@pytest.fixture
def accessible() -> Any:
    """The `assert_accessible` helper as a fixture."""
    return assert_accessible
