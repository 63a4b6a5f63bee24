"""Shared models: the audit log of every staff write."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AuditLog(models.Model):
    """Who did what, when, to which object, with the values before and after."""

    at = models.DateTimeField("日時", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作者",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField("操作", max_length=64)
    object_type = models.CharField("対象の種類", max_length=100)
    object_id = models.CharField("対象ID", max_length=64, blank=True)
    before = models.JSONField("変更前", null=True, blank=True)
    after = models.JSONField("変更後", null=True, blank=True)
    note = models.TextField("備考", blank=True)

    class Meta:
        verbose_name = "監査ログ"
        verbose_name_plural = "監査ログ"
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.object_type}#{self.object_id}"
