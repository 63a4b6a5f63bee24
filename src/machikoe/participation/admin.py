"""Admin: consultations (audited), opinions read-only and without the original text
(originals go through the audited staff page), reports, API tokens (revoke only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from machikoe.core.admin_audit import AuditedAdminMixin
from machikoe.participation.models import ApiToken, Consultation, Opinion, OpinionReport


@admin.register(Consultation)
class ConsultationAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("title", "slug", "opens_at", "closes_at")
    search_fields = ("title", "slug")


@admin.register(Opinion)
class OpinionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("receipt_number", "consultation", "channel", "status", "submitted_at")
    list_filter = ("status", "channel", "consultation")
    search_fields = ("receipt_number", "masked_body")
    exclude = ("body", "client_key", "content_hash")
    readonly_fields = [
        f.name
        for f in Opinion._meta.fields
        if f.name not in {"body", "client_key", "content_hash", "id"}
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(OpinionReport)
class OpinionReportAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("opinion", "reason", "created_at", "resolved")
    list_filter = ("reason", "resolved")
    exclude = ("client_key",)


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "user", "prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # created with `machikoe api-token` (the key is shown once)
