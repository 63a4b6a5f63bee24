"""The packaged plan data file holds the seed's exact wording (checked against the seed)."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from machikoe.plan.loader import SEED_FILE, read

PUA_AND_SPACE = re.compile(r"[\s\uf0d8]")


def squash(text: str) -> str:
    """The PDF text breaks lines and spaces at random: compare without any whitespace."""
    return PUA_AND_SPACE.sub("", text)


@pytest.fixture(scope="module")
def data() -> dict[str, Any]:
    return json.loads(SEED_FILE.read_text(encoding="utf-8"))


def walk(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for node in nodes:
        out.append(node)
        out.extend(walk(node.get("children", [])))
    return out


def test_structure(data: dict[str, Any]) -> None:
    sections = walk(data["sections"])
    codes = [s["code"] for s in sections]
    assert [c for c in codes if re.fullmatch(r"C\d", c)] == [f"C{i}" for i in range(1, 10)]
    assert [c for c in codes if re.fullmatch(r"V\d", c)] == [f"V{i}" for i in range(1, 7)]
    items = {
        v: [c for c in codes if c.startswith(v + "-")] for v in ("V1", "V2", "V3", "V4", "V5", "V6")
    }
    assert {v: len(c) for v, c in items.items()} == {
        "V1": 4,
        "V2": 4,
        "V3": 4,
        "V4": 6,
        "V5": 4,
        "V6": 3,
    }
    assert [g["number"] for g in data["glossary"]] == list(range(1, 10))
    read(SEED_FILE)  # the loader accepts it


def test_every_title_is_in_the_seed(data: dict[str, Any], seed_text: str) -> None:
    seed = squash(seed_text)
    for section in walk(data["sections"]):
        assert squash(section["title"]) in seed, section["code"]
        if section.get("alt_title"):
            assert squash(section["alt_title"]) in seed, section["code"]


def test_perspectives_follow_the_seed_list_in_order(data: dict[str, Any], seed_text: str) -> None:
    seed = squash(seed_text)
    marks = "①②③④⑤⑥"
    perspectives = data["sections"][1]["children"]
    for mark, node in zip(marks, perspectives, strict=True):
        assert mark + squash(node["title"]) in seed


def test_perspective_one_keeps_both_wordings(data: dict[str, Any], seed_text: str) -> None:
    v1 = data["sections"][1]["children"][0]
    seed = squash(seed_text)
    assert "①" + v1["title"] in seed  # the list page
    assert "①" + v1["alt_title"] in seed  # the detail page
    assert v1["title"] != v1["alt_title"]
    assert v1["alt_title"] in v1["note"] and v1["title"] in v1["note"]


def test_every_glossary_entry_is_in_the_seed(data: dict[str, Any], seed_text: str) -> None:
    seed = squash(seed_text)
    full_width_digits = "０１２３４５６７８９"
    for entry in data["glossary"]:
        marker = "※" + full_width_digits[entry["number"]]
        assert squash(marker + entry["term"] + entry["definition"]) in seed, entry["number"]


def test_full_width_term_kept_as_in_seed(data: dict[str, Any]) -> None:
    assert data["glossary"][3]["term"] == "ＥＢＰＭ"
