"""Editing a section makes a new version, audit-logged; diffs highlight the change."""

from __future__ import annotations

from typing import Any

import pytest

from machikoe.core.errors import NotAllowed, ValidationFailed
from machikoe.core.models import AuditLog
from machikoe.plan import diffing, services
from machikoe.plan.models import GlossaryTerm, Section

pytestmark = pytest.mark.django_db


def test_edit_creates_new_version_and_keeps_old(seed_plan: Any, staff_user: Any) -> None:
    old = seed_plan.version
    new = services.edit_section(
        staff_user, old, "V5-2", title="グリーンインフラの推進と緑の保全", body="本文を追加。"
    )
    assert new.number == old.number + 1 and new.created_by == staff_user
    assert Section.objects.get(version=old, code="V5-2").title == "グリーンインフラの推進"
    edited = Section.objects.get(version=new, code="V5-2")
    assert (edited.title, edited.body) == ("グリーンインフラの推進と緑の保全", "本文を追加。")
    assert edited.parent is not None and edited.parent.version == new and edited.parent.code == "V5"
    assert (
        Section.objects.filter(version=new).count() == Section.objects.filter(version=old).count()
    )
    assert GlossaryTerm.objects.filter(version=new).count() == 9
    entry = AuditLog.objects.get(action="plan.section.edit")
    assert entry.actor == staff_user
    assert entry.before is not None and entry.before["title"] == "グリーンインフラの推進"
    assert entry.after is not None and entry.after["title"] == "グリーンインフラの推進と緑の保全"


def test_residents_cannot_edit(seed_plan: Any, resident_user: Any) -> None:
    with pytest.raises(NotAllowed):
        services.edit_section(resident_user, seed_plan.version, "V1", title="x", body="")
    assert not AuditLog.objects.filter(action="plan.section.edit").exists()


def test_invalid_edits(seed_plan: Any, staff_user: Any) -> None:
    version = seed_plan.version
    with pytest.raises(ValidationFailed):
        services.edit_section(staff_user, version, "V1", title=" ", body="")
    with pytest.raises(ValidationFailed):
        services.edit_section(staff_user, version, "V99", title="x", body="")
    v1 = Section.objects.get(version=version, code="V1")
    with pytest.raises(ValidationFailed, match="変更がありません"):
        services.edit_section(staff_user, version, "V1", title=v1.title, body=v1.body)
    services.edit_section(staff_user, version, "V1", title="新しい見出し", body="")
    with pytest.raises(ValidationFailed, match="最新"):
        services.edit_section(staff_user, version, "V1", title="古い版から", body="")


def test_inline_diff_marks_added_and_removed_text() -> None:
    html = diffing.inline_diff("区民生活と区内経済を守る", "区民生活を守る取組み & <b>")
    assert html == "区民生活<del>と区内経済</del>を守る<ins>取組み &amp; &lt;b&gt;</ins>"
    # Latin words stay whole: "SDGs" is never split into letters
    assert diffing.inline_diff("SDGs を意識", "SDGs goals を意識") == "SDGs<ins> goals</ins> を意識"
    assert diffing.inline_diff("同じ", "同じ") == "同じ"


def test_compare_versions(seed_plan: Any, staff_user: Any) -> None:
    old = seed_plan.version
    new = services.edit_section(
        staff_user, old, "V6-3", title="持続可能な行財政運営の確立", body=""
    )
    changes = diffing.compare(old, new)
    assert [(c.code, c.status) for c in changes] == [("V6-3", "changed")]
    assert "<ins>の確立</ins>" in changes[0].title_html
