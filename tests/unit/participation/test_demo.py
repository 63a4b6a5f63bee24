"""Demo data: an open consultation with a few hundred varied, masked, invented opinions."""

from __future__ import annotations

from typing import Any

import pytest

from machikoe.participation import demo, selectors
from machikoe.participation.models import Consultation, Opinion

pytestmark = pytest.mark.django_db


def test_demo_loads_once(db: Any) -> None:
    messages: list[str] = []
    demo.load_demo(messages.append)
    c = Consultation.objects.get(slug=demo.DEMO_SLUG)
    assert c.state() == "open"
    n = Opinion.objects.count()
    assert 300 <= n <= 400
    stats = selectors.statistics(c)
    assert 0.15 < stats["youth_share"] < 0.5
    assert all(row["count"] > 0 for row in stats["by_district"] if row["key"])
    assert len({o.body for o in Opinion.objects.all()}) == n
    masked = Opinion.objects.exclude(masked_body="").filter(masked_body__contains="［")
    assert masked.exists()
    assert Opinion.objects.filter(status="hidden", hidden_reason="spam").count() == 3
    demo.load_demo(messages.append)
    assert Opinion.objects.count() == n and "読み込み済み" in messages[-1]
