"""Writing the plan. Every edit makes a new version (a full copy), so old versions stay
readable and comparable; every write is audit-logged in the same transaction."""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser, User
from django.db import transaction

from machikoe.core import audit
from machikoe.core.errors import NotAllowed, ValidationFailed
from machikoe.core.roles import is_staff
from machikoe.plan.models import GlossaryTerm, PlanVersion, Section


def copy_version(
    version: PlanVersion, *, actor: User | None, label: str = "", note: str = ""
) -> PlanVersion:
    """A new version (number + 1) holding a copy of `version`'s sections and glossary."""
    plan = version.plan
    last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
    new = PlanVersion.objects.create(
        plan=plan,
        number=last + 1,
        label=label or f"第{last + 1}版",
        note=note,
        created_by=actor,
    )
    id_map: dict[int, Section] = {}
    for section in Section.objects.filter(version=version).order_by("order", "id"):
        # Parents come before children in document order, so the map is always ready.
        old_id = section.pk
        parent = id_map.get(section.parent_id) if section.parent_id else None
        section.pk = None
        section.id = None
        section.version = new
        section.parent = parent
        section.save(force_insert=True)
        id_map[old_id] = section
    GlossaryTerm.objects.bulk_create(
        GlossaryTerm(version=new, number=t.number, term=t.term, definition=t.definition)
        for t in GlossaryTerm.objects.filter(version=version)
    )
    return new


def edit_section(
    actor: AbstractBaseUser | AnonymousUser,
    version: PlanVersion,
    code: str,
    *,
    title: str,
    body: str,
    note: str = "",
) -> PlanVersion:
    """Change one section's title and body; returns the new version holding the change."""
    if not is_staff(actor):
        raise NotAllowed("計画を編集できるのは職員だけです。")
    title = title.strip()
    body = body.replace("\r\n", "\n").strip()
    if not title:
        raise ValidationFailed("見出しを入力してください。", field="title")
    if len(title) > 300:
        raise ValidationFailed("見出しは 300 文字以内にしてください。", field="title")
    with transaction.atomic():
        current = Section.objects.filter(version=version, code=code).first()
        if current is None:
            raise ValidationFailed(f"節「{code}」はこの版にありません。", field="code")
        if (current.title, current.body) == (title, body):
            raise ValidationFailed("変更がありません。", field="body")
        latest = version.plan.versions.order_by("-number").first()
        if latest is not None and latest.pk != version.pk:
            raise ValidationFailed("この版は最新ではありません。最新の版を編集してください。")
        staff = actor if isinstance(actor, User) else None
        new_version = copy_version(version, actor=staff, note=note or f"{code}「{title}」を編集")
        section = Section.objects.get(version=new_version, code=code)
        before = audit.snapshot(section)
        section.title = title
        section.body = body
        section.save(update_fields=["title", "body"])
        audit.record(
            actor,
            "plan.section.edit",
            section,
            before=before,
            after=audit.snapshot(section),
            note=f"{version.label} → {new_version.label}",
        )
    return new_version
