"""The demo conversation loads once and its results show opinion groups."""

from __future__ import annotations

import pytest

from machikoe.deliberation import demo
from machikoe.deliberation.models import AnalysisCache, Conversation

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_shows_groups() -> None:
    messages: list[str] = []
    demo.load_demo(messages.append)
    demo.load_demo(messages.append)
    assert Conversation.objects.filter(slug=demo.DEMO_SLUG).count() == 1
    assert "読み込み済み" in messages[-1]
    result = AnalysisCache.objects.get(conversation__slug=demo.DEMO_SLUG).result
    assert 2 <= len(result["groups"]) <= 3
    assert result["consensus"]["agree"]
