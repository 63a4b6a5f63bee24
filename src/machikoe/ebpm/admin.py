"""Admin for EBPM rows (the staff pages under /ebpm/manage/ are the audited way to edit)."""

from django.contrib import admin

from machikoe.ebpm.models import Indicator, IndicatorMilestone, Measure, MeasureOutput, Observation


class MilestoneInline(admin.TabularInline):
    model = IndicatorMilestone
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "section_code",
        "unit",
        "direction",
        "target_year",
        "illustrative",
    )
    list_filter = ("direction", "illustrative")
    search_fields = ("code", "name")
    inlines = [MilestoneInline]


@admin.register(Observation)
class ObservationAdmin(admin.ModelAdmin):
    list_display = ("indicator", "year", "month", "value", "is_current", "recorded_at")
    list_filter = ("is_current",)
    readonly_fields = ("supersedes", "recorded_at")


class OutputInline(admin.TabularInline):
    model = MeasureOutput
    extra = 0


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "section_code", "illustrative")
    filter_horizontal = ("indicators",)
    inlines = [OutputInline]
