"""Audit every save and delete made in the Django admin (staff writes), in the same
transaction as the write (the admin wraps each change view in one)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest

from machikoe.core import audit


class AuditedAdminMixin:
    """Add to a ModelAdmin: saves record `admin.add`/`admin.change`, deletes `admin.delete`."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            previous = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit.snapshot(previous) if previous is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)  # type: ignore[misc]
            audit.record(
                request.user,
                "admin.change" if change else "admin.add",
                obj,
                before=before,
                after=audit.snapshot(obj),
                note="管理画面",
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        before = audit.snapshot(obj)
        object_type, object_id = obj._meta.label, obj.pk
        with transaction.atomic():
            super().delete_model(request, obj)  # type: ignore[misc]
            audit.record(
                request.user,
                "admin.delete",
                object_type=object_type,
                object_id=object_id,
                before=before,
                note="管理画面",
            )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)


class AuditedModelAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A ModelAdmin whose writes are audit-logged."""
