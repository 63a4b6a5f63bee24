"""Perspective specs and glossary from the plan data file (format "machikoe-plan/1").

The file (src/machikoe/plan/data/*.json, written by the plan area) lists sections; those of
kind "perspective" (V1..V6) and their "item" children (V1-1..) become `PerspectiveSpec`s.
Pure function over the parsed JSON, so the platform can pass the same dict from its DB.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .types import PerspectiveSpec


def _walk(sections: Iterable[Mapping[str, Any]]) -> Iterable[Mapping[str, Any]]:
    for section in sections:
        yield section
        yield from _walk(section.get("children") or [])


def perspectives_from_plan(plan: Mapping[str, Any]) -> tuple[list[PerspectiveSpec], dict[str, str]]:
    """(perspective specs with their sub-items, glossary term -> definition)."""
    specs: list[PerspectiveSpec] = []
    for section in _walk(plan.get("sections") or []):
        if section.get("kind") != "perspective":
            continue
        children = [c for c in section.get("children") or [] if c.get("kind") == "item"]
        text = " ".join(
            str(x)
            for x in (section.get("alt_title"), section.get("text"), section.get("body"))
            if x
        )
        specs.append(PerspectiveSpec(str(section["code"]), str(section.get("title", "")), text))
        for child in children:
            child_text = " ".join(str(x) for x in (child.get("text"), child.get("body")) if x)
            specs.append(
                PerspectiveSpec(
                    str(child["code"]),
                    str(child.get("title", "")),
                    child_text,
                    str(section["code"]),
                )
            )
    glossary = {
        str(g["term"]): str(g.get("definition", ""))
        for g in plan.get("glossary") or []
        if g.get("term")
    }
    return specs, glossary
