"""Admin: runs and corrections are visible for support; edits go through the staff pages."""

from django.contrib import admin

from machikoe.listening.models import (
    AnalysisRun,
    OpinionVector,
    PerspectiveCorrection,
    RunCluster,
    TopicEdit,
)


@admin.register(AnalysisRun)
class AnalysisRunAdmin(admin.ModelAdmin):
    list_display = ("consultation", "number", "status", "stage", "published", "created_at")
    list_filter = ("status", "published")
    readonly_fields = ("meta", "extras", "task_id", "started_at", "finished_at")


@admin.register(RunCluster)
class RunClusterAdmin(admin.ModelAdmin):
    list_display = ("run", "key", "parent_key", "label", "size")
    list_filter = ("run",)


@admin.register(PerspectiveCorrection)
class PerspectiveCorrectionAdmin(admin.ModelAdmin):
    list_display = ("opinion", "codes", "corrected_by", "corrected_at")


@admin.register(TopicEdit)
class TopicEditAdmin(admin.ModelAdmin):
    list_display = ("consultation", "kind", "run", "created_by", "created_at")


@admin.register(OpinionVector)
class OpinionVectorAdmin(admin.ModelAdmin):
    list_display = ("vectorizer", "text_hash", "dim", "created_at")
    exclude = ("data",)
