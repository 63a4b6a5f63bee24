"""The plan's perspectives reach the classifier from the database, or from the packaged plan."""

from __future__ import annotations

from typing import Any

import pytest

from machikoe.listening.perspectives import perspective_specs, perspective_titles, plan_inputs
from machikoe.plan import loader
from machikoe.plan.models import Section

pytestmark = pytest.mark.django_db


def _check(specs: list[dict[str, Any]]) -> None:
    tops = [s["code"] for s in specs if not s.get("parent")]
    assert tops == ["V1", "V2", "V3", "V4", "V5", "V6"]
    items = [s for s in specs if s.get("parent")]
    assert len(items) >= 20 and all(s["code"].startswith(s["parent"] + "-") for s in items)


def test_packaged_plan_when_database_is_empty(consultation: Any) -> None:
    specs, glossary = plan_inputs(consultation)
    _check(specs)
    assert "ＥＢＰＭ" in glossary or "EBPM" in "".join(glossary)


def test_database_plan_is_used_and_edits_show(consultation: Any) -> None:
    assert loader.load_seed_if_empty()
    _check(perspective_specs(consultation))
    Section.objects.filter(code="V3").update(title="地域コミュニティと居場所")
    assert perspective_titles(consultation)["V3"] == "地域コミュニティと居場所"
