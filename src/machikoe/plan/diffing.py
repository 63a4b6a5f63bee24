"""Differences between two plan versions, section by section, as highlighted HTML.

Text is compared with difflib at the level of words for Latin text and characters for
Japanese (which has no spaces), and shown with <del> for removed and <ins> for added text.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from html import escape

from machikoe.plan.models import PlanVersion, Section

# Runs of Latin letters/digits stay whole; every other character is its own unit.
_UNIT = re.compile(r"[A-Za-z0-9Ａ-Ｚａ-ｚ０-９]+|\s+|.", re.DOTALL)


def _units(text: str) -> list[str]:
    return _UNIT.findall(text)


def inline_diff(old: str, new: str) -> str:
    """HTML of `new` with removed text in <del> and added text in <ins>."""
    a, b = _units(old), _units(new)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    out: list[str] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if op in ("delete", "replace"):
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if op in ("insert", "replace"):
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return "".join(out)


@dataclass(frozen=True)
class SectionChange:
    code: str
    status: str  # "added", "removed", "changed"
    title_html: str
    body_html: str

    @property
    def status_label(self) -> str:
        return {"added": "追加", "removed": "削除", "changed": "変更"}[self.status]


def compare(old: PlanVersion, new: PlanVersion) -> list[SectionChange]:
    """Sections added, removed or changed from `old` to `new`, in `new`'s order."""
    before = {s.code: s for s in Section.objects.filter(version=old).order_by("order", "id")}
    after = {s.code: s for s in Section.objects.filter(version=new).order_by("order", "id")}
    changes: list[SectionChange] = []
    for code, section in after.items():
        previous = before.get(code)
        if previous is None:
            changes.append(
                SectionChange(
                    code,
                    "added",
                    f"<ins>{escape(section.title)}</ins>",
                    f"<ins>{escape(section.body)}</ins>" if section.body else "",
                )
            )
        elif (previous.title, previous.body) != (section.title, section.body):
            changes.append(
                SectionChange(
                    code,
                    "changed",
                    inline_diff(previous.title, section.title),
                    inline_diff(previous.body, section.body),
                )
            )
    for code, section in before.items():
        if code not in after:
            changes.append(
                SectionChange(
                    code,
                    "removed",
                    f"<del>{escape(section.title)}</del>",
                    f"<del>{escape(section.body)}</del>" if section.body else "",
                )
            )
    return changes
