"""Texts that hold no personal data, for measuring false masking: the seed and the plan."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

_SENTENCE_END = re.compile(r"(?<=[。！？])")


def sentences(text: str) -> Iterator[str]:
    """Non-empty lines of `text`, each split after 。！？."""
    for line in text.splitlines():
        for part in _SENTENCE_END.split(line):
            if part.strip():
                yield part.strip()


def seed_sentences(shared_dir: Path) -> list[str]:
    out: list[str] = []
    for path in sorted((shared_dir / "seed").glob("*.txt")):
        out.extend(sentences(path.read_text(encoding="utf-8")))
    return out


def plan_sentences(plan_file: Path) -> list[str]:
    """Every string of a plan data file (titles, bodies, glossary), sentence by sentence."""
    if not plan_file.exists():
        return []
    data = json.loads(plan_file.read_text(encoding="utf-8"))
    strings: list[str] = []

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, str):
            if key not in {"code", "kind", "format", "slug", "source", "url"}:
                strings.append(node)
        elif isinstance(node, list):
            for item in node:
                walk(item, key)
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, k)

    walk({k: v for k, v in data.items() if k not in {"source", "format"}})
    out: list[str] = []
    for s in strings:
        out.extend(sentences(s))
    return out
