"""Pages without JavaScript: vote with plain forms, add a statement, results, staff tools."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from machikoe.deliberation.models import Conversation, Statement, Vote

pytestmark = pytest.mark.django_db


def test_index_lists_conversations(client: Client, conversation: Conversation) -> None:
    html = client.get("/deliberation/").content.decode()
    assert "テストの熟議" in html


def test_vote_without_javascript_shows_next_statement(
    client: Client, conversation: Conversation
) -> None:
    page = client.get("/deliberation/test-conv/").content.decode()
    assert "公園にベンチを増やす。" in page and "0 / 3" in page
    r = client.post("/deliberation/test-conv/vote/", {"statement": "0", "vote": "1"})
    assert r.status_code == 302
    page = client.get("/deliberation/test-conv/").content.decode()
    assert "1 / 3" in page and "公園でボール遊びを認める。" in page
    assert Vote.objects.get().value == 1


def test_vote_on_unknown_statement_shows_message(
    client: Client, conversation: Conversation
) -> None:
    r = client.post("/deliberation/test-conv/vote/", {"statement": "77", "vote": "1"}, follow=True)
    assert "その意見はありません" in r.content.decode()
    assert not Vote.objects.exists()


def test_statement_goes_to_moderation(client: Client, conversation: Conversation) -> None:
    r = client.post(
        "/deliberation/test-conv/statements/", {"text": "図書館を夜も開けてほしい。"}, follow=True
    )
    assert "職員が確認" in r.content.decode()
    assert Statement.objects.get(number=3).status == Statement.Status.PENDING


def test_results_page_with_too_few_voters(client: Client, conversation: Conversation) -> None:
    html = client.get("/deliberation/test-conv/results/").content.decode()
    assert "7 人以上" in html
    assert re.search(r'<script src="/vendor/plotly.min.js">', html)
    assert "<script>" not in html  # CSP: no inline script


def test_kodomo_mode_results_and_vote_pages(client: Client, conversation: Conversation) -> None:
    client.cookies["machikoe_kodomo"] = "1"
    for url in ("/deliberation/", "/deliberation/test-conv/", "/deliberation/test-conv/results/"):
        assert client.get(url).status_code == 200


def test_staff_manage_and_moderate(client: Client, conversation: Conversation, staff: Any) -> None:
    assert client.get("/deliberation/test-conv/manage/").status_code == 302  # sign-in needed
    client.force_login(staff)
    client.post("/deliberation/test-conv/statements/", {"text": "夜の図書館"})
    client.post("/deliberation/test-conv/manage/", {"action": "approve", "number": "3"})
    assert Statement.objects.get(number=3).status == Statement.Status.APPROVED
    r = client.get("/deliberation/test-conv/export/")
    assert r.status_code == 200 and r["Content-Type"] == "application/zip"


def test_residents_cannot_use_staff_pages(
    client: Client, conversation: Conversation, django_user_model: Any
) -> None:
    client.force_login(django_user_model.objects.create_user("r", password="pw-12345-long"))
    assert client.get("/deliberation/test-conv/manage/").status_code == 403
    assert client.get("/deliberation/import/").status_code == 403
