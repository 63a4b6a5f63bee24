"""The plan's perspectives (V1–V6 and their sub-items) as the library's classifier wants them.

Read from the plan version the consultation is about (or the newest one); the titles of the
sub-items and the glossary's definitions of terms they use are the zero-shot text. When no
plan is loaded, the plan app's packaged data file (the seed's perspectives) is used.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from machikoe.participation.models import Consultation
from machikoe.plan.models import PlanVersion, Section

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


def perspective_specs(consultation: Consultation | None) -> list[dict[str, Any]]:
    """[{code, title, text, parent}] for V1..V6 and sub-items; [] when no plan is loaded."""
    version = _version(consultation)
    if version is None:
        return _packaged_specs()
    sections = list(
        Section.objects.filter(version=version, kind__in=[Section.Kind.PERSPECTIVE, Section.Kind.ITEM])
        .select_related("parent")
        .order_by("order", "id")
    )
    tops = [s for s in sections if s.kind == Section.Kind.PERSPECTIVE]
    if not tops:
        return _packaged_specs()
    specs: list[dict[str, Any]] = []
    for top in tops:
        items = [s for s in sections if s.parent_id == top.pk and s.kind == Section.Kind.ITEM]
        specs.append(
            {
                "code": top.code,
                "title": top.title,
                "text": "\n".join([top.title, top.body, *(i.title for i in items)]).strip(),
            }
        )
        for item in items:
            specs.append(
                {
                    "code": item.code,
                    "title": item.title,
                    "text": "\n".join([item.title, item.body]).strip(),
                    "parent": top.code,
                }
            )
    return specs


PLAN_FILE = Path(__file__).resolve().parent.parent / "plan" / "data" / "setagaya_next_basic_plan.json"


@lru_cache(maxsize=1)
def _packaged_specs_cached() -> tuple[tuple[tuple[str, Any], ...], ...]:
    try:
        data = json.loads(PLAN_FILE.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ()
    specs: list[dict[str, Any]] = []

    def walk(sections: list[dict[str, Any]]) -> None:
        for section in sections:
            if section.get("kind") == "perspective":
                items = [c for c in section.get("children", []) if c.get("kind") == "item"]
                title = str(section.get("title", ""))
                specs.append(
                    {
                        "code": section["code"],
                        "title": title,
                        "text": "\n".join([title, *(str(i.get("title", "")) for i in items)]),
                    }
                )
                for item in items:
                    specs.append(
                        {
                            "code": item["code"],
                            "title": str(item.get("title", "")),
                            "text": str(item.get("title", "")),
                            "parent": section["code"],
                        }
                    )
            else:
                walk(section.get("children", []))

    walk(data.get("sections", []))
    return tuple(tuple(sorted(s.items())) for s in specs)


def _packaged_specs() -> list[dict[str, Any]]:
    return [dict(s) for s in _packaged_specs_cached()]


def perspective_titles(consultation: Consultation | None) -> dict[str, str]:
    """Top-level perspective code -> title, for pages."""
    titles = {s["code"]: s["title"] for s in perspective_specs(consultation) if not s.get("parent")}
    return titles or dict(FALLBACK_TITLES)
