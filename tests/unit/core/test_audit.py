"""The audit log: `record`/`snapshot`, admin saves audited, role groups."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser, Group
from django.test import Client

from machikoe.core import audit, roles
from machikoe.core.models import AuditLog
from machikoe.plan.models import GlossaryTerm

pytestmark = pytest.mark.django_db


def test_record_stores_who_what_before_after(django_user_model: Any) -> None:
    user = django_user_model.objects.create_user("shokuin", is_staff=True)
    before = audit.snapshot(user)
    user.first_name = "花子"
    user.save()
    entry = audit.record(user, "user.rename", user, before=before, after=audit.snapshot(user))
    entry.refresh_from_db()
    assert entry.actor == user and entry.action == "user.rename"
    assert entry.object_type == "auth.User" and entry.object_id == str(user.pk)
    assert entry.before is not None and entry.before["first_name"] == ""
    assert entry.after is not None and entry.after["first_name"] == "花子"
    assert entry.at is not None


def test_anonymous_actor_is_recorded_as_none() -> None:
    entry = audit.record(AnonymousUser(), "system.task", object_type="x", object_id=3)
    assert entry.actor is None and entry.object_id == "3"


def test_snapshot_is_json_safe(seed_plan: Any) -> None:
    term = GlossaryTerm.objects.get(version=seed_plan.version, number=4)
    data = audit.snapshot(term)
    assert data == {
        "id": term.pk,
        "version": seed_plan.version.pk,
        "number": 4,
        "term": "ＥＢＰＭ",
        "definition": "証拠に基づく政策立案。",
    }


def test_admin_change_is_audited(seed_plan: Any, django_user_model: Any) -> None:
    admin_user = django_user_model.objects.create_superuser("kanri", password="pw-Kanri-2026")
    client = Client()
    client.force_login(admin_user)
    term = GlossaryTerm.objects.get(version=seed_plan.version, number=4)
    page = client.get(f"/admin/plan/glossaryterm/{term.pk}/change/")
    assert page.status_code == 200
    assert "用語" in page.content.decode()  # Japanese admin
    response = client.post(
        f"/admin/plan/glossaryterm/{term.pk}/change/",
        {
            "version": seed_plan.version.pk,
            "number": 4,
            "term": "ＥＢＰＭ",
            "definition": "証拠に基づく政策立案（Evidence-Based Policy Making）。",
        },
    )
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="admin.change")
    assert entry.actor == admin_user and entry.object_type == "plan.GlossaryTerm"
    assert entry.before is not None and entry.before["definition"] == "証拠に基づく政策立案。"
    assert entry.after is not None and "Evidence-Based" in entry.after["definition"]


def test_admin_delete_is_audited(seed_plan: Any, django_user_model: Any) -> None:
    admin_user = django_user_model.objects.create_superuser("kanri", password="pw-Kanri-2026")
    client = Client()
    client.force_login(admin_user)
    term = GlossaryTerm.objects.get(version=seed_plan.version, number=9)
    response = client.post(f"/admin/plan/glossaryterm/{term.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditLog.objects.get(action="admin.delete")
    assert entry.object_id == str(term.pk) and entry.before is not None
    assert entry.before["term"] == "デジタル・デモクラシー"


def test_role_groups_exist_after_migrate() -> None:
    roles.ensure_role_groups()
    staff = Group.objects.get(name=roles.STAFF_GROUP)
    assert staff.permissions.filter(codename="change_section").exists()
    assert Group.objects.get(name=roles.ADMIN_GROUP).permissions.count() > staff.permissions.count()


def test_role_checks(django_user_model: Any) -> None:
    resident = django_user_model.objects.create_user("kumin")
    staff = django_user_model.objects.create_user("shokuin", is_staff=True)
    admin_user = django_user_model.objects.create_superuser("kanri")
    assert not roles.is_staff(resident) and not roles.is_staff(AnonymousUser())
    assert roles.is_staff(staff) and not roles.is_admin(staff)
    assert roles.is_admin(admin_user)
