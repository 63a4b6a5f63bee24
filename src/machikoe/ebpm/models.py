"""Indicators (成果指標), their observations and the measures (施策・事業) meant to move them.

Indicators and measures point at plan sections by stable section code ("V5", "V5-1"),
never by row: editing the plan creates a new version with new rows, the codes stay.
Observations are never overwritten: a revised figure is a new row that supersedes the
old one, so the history of what was published when stays visible.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from machikoe.analysis.ebpm import Direction, IndicatorSpec, Milestone
from machikoe.analysis.ebpm import Observation as ObsPoint


class Indicator(models.Model):
    class Directions(models.TextChoices):
        UP = "up", "高いほど良い"
        DOWN = "down", "低いほど良い"

    code = models.CharField("指標ID", max_length=64, unique=True)
    section_code = models.CharField(
        "計画の節コード", max_length=32, blank=True, db_index=True, help_text="例: V5、V5-1"
    )
    name = models.CharField("指標名", max_length=300)
    definition = models.TextField("定義", blank=True)
    unit = models.CharField("単位", max_length=50, blank=True)
    data_source = models.TextField("データの出典", blank=True)
    direction = models.CharField("方向", max_length=4, choices=Directions.choices, default="up")
    baseline_year = models.IntegerField("基準年", null=True, blank=True)
    baseline_value = models.FloatField("基準値", null=True, blank=True)
    target_year = models.IntegerField("目標年", null=True, blank=True)
    target_value = models.FloatField("目標値", null=True, blank=True)
    vision_year = models.IntegerField("長期ビジョンの年", null=True, blank=True)
    vision_value = models.FloatField("長期ビジョンの値", null=True, blank=True)
    vision_label = models.CharField(
        "長期ビジョン", max_length=200, blank=True, help_text="例: 2050年 脱炭素（ゼロカーボン）"
    )
    illustrative = models.BooleanField(
        "例示の目標",
        default=False,
        help_text="区が公表した目標ではなく、説明のための例示の目標であることを示します。",
    )
    note = models.TextField("備考", blank=True)
    order = models.PositiveIntegerField("順序", default=0)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "成果指標"
        verbose_name_plural = "成果指標"
        ordering = ["section_code", "order", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_year__isnull=True)
                | Q(baseline_year__isnull=True)
                | Q(target_year__gt=models.F("baseline_year")),
                name="ebpm_indicator_target_after_baseline",
                violation_error_message="目標年は基準年より後にしてください。",
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def perspective_code(self) -> str:
        """The perspective a sub-item belongs to: "V5-1" → "V5"."""
        return self.section_code.split("-")[0] if self.section_code else ""

    def spec(self) -> IndicatorSpec:
        """The indicator as plain data for machikoe.analysis.ebpm."""
        return IndicatorSpec(
            id=self.code,
            name=self.name,
            unit=self.unit,
            direction=Direction(self.direction),
            baseline_year=self.baseline_year,
            baseline_value=self.baseline_value,
            target_year=self.target_year,
            target_value=self.target_value,
            milestones=tuple(Milestone(m.year, m.value) for m in self.milestones.all()),
            vision_year=self.vision_year,
            vision_value=self.vision_value,
        )


class IndicatorMilestone(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="milestones")
    year = models.IntegerField("年")
    value = models.FloatField("中間目標値")

    class Meta:
        verbose_name = "中間目標"
        verbose_name_plural = "中間目標"
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="ebpm_milestone_unique_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value:g}"


class ObservationQuerySet(models.QuerySet["Observation"]):
    def current(self) -> ObservationQuerySet:
        return self.filter(is_current=True)


class Observation(models.Model):
    """An observed value. month = 0 for a yearly (or fiscal-year) value.

    Revisions: the old row gets is_current=False and the new row points at it with
    `supersedes`; exactly one current row per (indicator, year, month).
    """

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="observations")
    year = models.IntegerField("年")
    month = models.PositiveSmallIntegerField("月", default=0, help_text="年の値は 0")
    value = models.FloatField("値")
    source = models.TextField("出典", blank=True)
    published_on = models.DateField("公表日", null=True, blank=True)
    note = models.TextField("備考", blank=True)
    is_current = models.BooleanField("現在の値", default=True)
    supersedes = models.OneToOneField(
        "self",
        verbose_name="改定前の値",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="superseded_by",
    )
    recorded_at = models.DateTimeField("登録日時", auto_now_add=True)

    objects = ObservationQuerySet.as_manager()

    class Meta:
        verbose_name = "観測値"
        verbose_name_plural = "観測値"
        ordering = ["indicator", "year", "month", "recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "month"],
                condition=Q(is_current=True),
                name="ebpm_observation_one_current",
            ),
            models.CheckConstraint(condition=Q(month__lte=12), name="ebpm_observation_month"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.period_label}: {self.value:g}"

    @property
    def period_label(self) -> str:
        return f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"

    def point(self) -> ObsPoint:
        return ObsPoint(self.year, self.value, self.month or None)


class Measure(models.Model):
    """A measure or project (施策・事業) and the indicators it is meant to move."""

    code = models.CharField("事業ID", max_length=64, unique=True)
    section_code = models.CharField("計画の節コード", max_length=32, blank=True, db_index=True)
    name = models.CharField("名称", max_length=300)
    description = models.TextField("内容", blank=True)
    department = models.CharField("担当", max_length=200, blank=True)
    illustrative = models.BooleanField(
        "例示", default=False, help_text="実在の事業ではなく説明のための例であることを示します。"
    )
    indicators = models.ManyToManyField(
        Indicator, verbose_name="動かす成果指標", related_name="measures", blank=True
    )
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    updated_at = models.DateTimeField("更新日時", auto_now=True)

    class Meta:
        verbose_name = "施策・事業"
        verbose_name_plural = "施策・事業"
        ordering = ["section_code", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class MeasureOutput(models.Model):
    """An output (活動指標) of a measure: what it delivered, e.g. 講座 12回."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="outputs")
    name = models.CharField("アウトプット", max_length=300)
    unit = models.CharField("単位", max_length=50, blank=True)
    year = models.IntegerField("年", null=True, blank=True)
    value = models.FloatField("値", null=True, blank=True)

    class Meta:
        verbose_name = "アウトプット"
        verbose_name_plural = "アウトプット"
        ordering = ["measure", "year", "id"]

    def __str__(self) -> str:
        return self.name
