"""Recording staff writes in the audit log. Call `record` inside the write's transaction."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import models
from django.forms.models import model_to_dict

from machikoe.core.models import AuditLog


def snapshot(obj: models.Model) -> dict[str, Any]:
    """A JSON-safe dict of a model instance's fields, for before/after."""
    data = model_to_dict(obj)
    return {key: _jsonable(value) for key, value in data.items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, models.Model):
        return value.pk
    return str(value)


def record(
    actor: AbstractBaseUser | AnonymousUser | None,
    action: str,
    obj: models.Model | None = None,
    *,
    object_type: str | None = None,
    object_id: str | int | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditLog:
    """Write one audit entry. `obj` gives the type and id unless they are passed explicitly."""
    if obj is not None:
        object_type = object_type or obj._meta.label
        object_id = object_id if object_id is not None else obj.pk
    user = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    user_id = getattr(user, "pk", None)
    return AuditLog.objects.create(
        actor_id=user_id,
        action=action,
        object_type=object_type or "",
        object_id="" if object_id is None else str(object_id),
        before=before,
        after=after,
        note=note,
    )
