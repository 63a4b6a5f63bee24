"""The plan: versions (素案1, 素案2, …), a tree of sections with stable codes, a glossary.

Every version is a full snapshot: editing a section copies the tree into a new version, so
old versions stay readable and comparable. Other apps refer to sections by their stable
`code` (e.g. "V4", "V4-1"), never by row id, so their links survive new versions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Plan(models.Model):
    slug = models.SlugField("識別子", unique=True)
    title = models.CharField("名称", max_length=200)
    description = models.TextField("説明", blank=True)

    class Meta:
        verbose_name = "計画"
        verbose_name_plural = "計画"

    def __str__(self) -> str:
        return self.title

    def current_version(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版")
    label = models.CharField("版の名前", max_length=100)
    note = models.TextField("変更内容", blank=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    changed_at = models.DateTimeField(
        "最終更新日時",
        auto_now=True,
        help_text="この版の節や用語が変わると更新され、表示のキャッシュを無効にします",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "計画の版"
        verbose_name_plural = "計画の版"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="plan_version_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.plan.title}（{self.label}）"


class Section(models.Model):
    class Kind(models.TextChoices):
        GROUP = "group", "区分"
        CONSIDERATION = "consideration", "検討にあたっての考え方"
        PERSPECTIVE = "perspective", "政策の視点"
        ITEM = "item", "項目"

    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    code = models.CharField("コード", max_length=32)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices, default=Kind.ITEM)
    order = models.PositiveIntegerField("順序", default=0)
    title = models.CharField("見出し", max_length=300)
    alt_title = models.CharField(
        "別表記の見出し",
        max_length=300,
        blank=True,
        help_text="原文の別の箇所で見出しの表記が異なるときの、もう一方の表記",
    )
    body = models.TextField("本文", blank=True)
    note = models.TextField("注記", blank=True)

    class Meta:
        verbose_name = "節"
        verbose_name_plural = "節"
        ordering = ["version", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="section_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class GlossaryTerm(models.Model):
    version = models.ForeignKey(PlanVersion, on_delete=models.CASCADE, related_name="glossary")
    number = models.PositiveIntegerField("番号")
    term = models.CharField("用語", max_length=100)
    definition = models.TextField("意味")

    class Meta:
        verbose_name = "用語"
        verbose_name_plural = "用語解説"
        ordering = ["version", "number"]
        constraints = [
            models.UniqueConstraint(fields=["version", "number"], name="glossary_unique_number")
        ]

    def __str__(self) -> str:
        return f"※{self.number} {self.term}"
