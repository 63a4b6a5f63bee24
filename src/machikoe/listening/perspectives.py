"""The plan's perspectives (V1–V6 and their sub-items) and glossary, for the classifier.

Read from the plan version the consultation is about (or the newest one) and turned into
the plan data file's layout, so the library's `perspectives_from_plan` reads the database
and the packaged file (used when no plan is loaded) the same way.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from machikoe.participation.models import Consultation
from machikoe.plan.models import GlossaryTerm, PlanVersion, Section

PLAN_FILE = (
    Path(__file__).resolve().parent.parent / "plan" / "data" / "setagaya_next_basic_plan.json"
)
FALLBACK_TITLES = {
    "V1": "コロナ禍からの復興・物価高騰等から区民生活と区内経済を守る",
    "V2": "誰もが住み慣れた地域で安心して暮らすことができる社会",
    "V3": "地域コミュニティ",
    "V4": "子ども・若者支援と教育の充実",
    "V5": "持続可能な循環型社会",
    "V6": "新たな自治体経営",
}


def _version(consultation: Consultation | None) -> PlanVersion | None:
    if consultation is not None and consultation.plan_version_id:
        return consultation.plan_version
    return PlanVersion.objects.order_by("-created_at", "-id").first()


def _plan_from_db(version: PlanVersion) -> dict[str, Any]:
    sections = list(Section.objects.filter(version=version).order_by("order", "id"))
    nodes: dict[int, dict[str, Any]] = {
        s.pk: {
            "code": s.code,
            "kind": s.kind,
            "title": s.title,
            "alt_title": s.alt_title,
            "body": s.body,
            "children": [],
        }
        for s in sections
    }
    roots = []
    for s in sections:
        if s.parent_id in nodes:
            nodes[s.parent_id]["children"].append(nodes[s.pk])
        else:
            roots.append(nodes[s.pk])
    glossary = [
        {"term": term, "definition": definition}
        for term, definition in GlossaryTerm.objects.filter(version=version).values_list(
            "term", "definition"
        )
    ]
    return {"sections": roots, "glossary": glossary}


@lru_cache(maxsize=1)
def _packaged_plan() -> str:
    try:
        return PLAN_FILE.read_text(encoding="utf-8")
    except OSError:
        return "{}"


def plan_inputs(consultation: Consultation | None) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(perspective specs as dicts, glossary) for `ListeningConfig`."""
    from machikoe.analysis.listening.plan_data import perspectives_from_plan

    version = _version(consultation)
    specs: list[Any] = []
    glossary: dict[str, str] = {}
    if version is not None:
        specs, glossary = perspectives_from_plan(_plan_from_db(version))
    if not specs:
        specs, glossary = perspectives_from_plan(json.loads(_packaged_plan()))
    return [
        {"code": s.code, "title": s.title, "text": s.text, "parent": s.parent} for s in specs
    ], glossary


def perspective_specs(consultation: Consultation | None) -> list[dict[str, Any]]:
    return plan_inputs(consultation)[0]


def perspective_titles(consultation: Consultation | None) -> dict[str, str]:
    """Top-level perspective code -> title, for pages."""
    titles = {s["code"]: s["title"] for s in perspective_specs(consultation) if not s.get("parent")}
    return titles or dict(FALLBACK_TITLES)
