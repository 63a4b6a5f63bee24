"""The plan in the Japanese admin for staff; every write is audit-logged."""

from __future__ import annotations

from django.contrib import admin

from machikoe.core.admin_audit import AuditedModelAdmin
from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion, Section


@admin.register(Plan)
class PlanAdmin(AuditedModelAdmin):
    list_display = ("title", "slug")


@admin.register(PlanVersion)
class PlanVersionAdmin(AuditedModelAdmin):
    list_display = ("plan", "number", "label", "created_at", "created_by")
    list_filter = ("plan",)
    readonly_fields = ("created_at", "created_by")


@admin.register(Section)
class SectionAdmin(AuditedModelAdmin):
    list_display = ("code", "title", "kind", "version")
    list_filter = ("version", "kind")
    search_fields = ("code", "title", "body")
    raw_id_fields = ("parent",)


@admin.register(GlossaryTerm)
class GlossaryTermAdmin(AuditedModelAdmin):
    list_display = ("number", "term", "version")
    list_filter = ("version",)
    search_fields = ("term", "definition")
