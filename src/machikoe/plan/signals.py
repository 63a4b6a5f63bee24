"""Any change to a version's sections or glossary (service, admin, shell) touches the
version's `changed_at`, which is part of every cached page fragment's key."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from machikoe.plan import page_cache
from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion, Section


def _touch_version(sender: Any, instance: Section | GlossaryTerm, **kwargs: Any) -> None:
    page_cache.forget_version()
    if kwargs.get("raw"):
        return
    PlanVersion.objects.filter(pk=instance.version_id).update(changed_at=timezone.now())


def _forget(sender: Any, **kwargs: Any) -> None:
    page_cache.forget_version()


def connect() -> None:
    for parent in (Plan, PlanVersion):
        name = parent.__name__
        post_save.connect(_forget, sender=parent, dispatch_uid=f"plan_forget_{name}")
        post_delete.connect(_forget, sender=parent, dispatch_uid=f"plan_forget_del_{name}")
    for child in (Section, GlossaryTerm):
        name = child.__name__
        post_save.connect(_touch_version, sender=child, dispatch_uid=f"plan_touch_{name}")
        post_delete.connect(_touch_version, sender=child, dispatch_uid=f"plan_touch_del_{name}")
