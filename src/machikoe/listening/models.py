"""Broad listening in the platform: cached vectors, versioned analysis runs, staff corrections.

A run's results live in `RunCluster` and `RunRow` (one row per opinion) so pages can filter
and count in SQL; the library's full result (comparisons, cross-sector, meta) is kept as JSON
on the run. Staff corrections are stored apart from any run (`PerspectiveCorrection`,
`TopicEdit`) so a re-run keeps them: perspectives are fed to the pipeline, topic edits are
replayed on the new run's clusters by member overlap.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OpinionVector(models.Model):
    """One text's embedding, computed once: float32 bytes keyed by (text hash, vectorizer)."""

    text_hash = models.CharField("本文のハッシュ（SHA-256）", max_length=64)
    vectorizer = models.CharField("ベクトル化の方式", max_length=40)
    dim = models.PositiveIntegerField("次元数")
    data = models.BinaryField("ベクトル（float32）")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "意見ベクトル"
        verbose_name_plural = "意見ベクトル"
        constraints = [
            models.UniqueConstraint(
                fields=["text_hash", "vectorizer"], name="listening_vector_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.vectorizer}:{self.text_hash[:12]}"


class AnalysisRun(models.Model):
    """One analysis of a consultation's opinions; numbered 1, 2, … per consultation."""

    class Status(models.TextChoices):
        QUEUED = "queued", "待機中"
        RUNNING = "running", "実行中"
        SUCCEEDED = "succeeded", "完了"
        FAILED = "failed", "失敗"

    consultation = models.ForeignKey(
        "participation.Consultation", on_delete=models.CASCADE, related_name="analysis_runs"
    )
    number = models.PositiveIntegerField("版")
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    stage = models.CharField("処理段階", max_length=60, blank=True)
    fraction = models.FloatField("進捗（0〜1）", default=0.0)
    message = models.TextField("メッセージ", blank=True)
    config = models.JSONField("設定", default=dict, blank=True)
    statuses = models.JSONField("対象とした意見の状態", default=list, blank=True)
    vectorizer = models.CharField("ベクトル化の方式（実際）", max_length=40, blank=True)
    opinion_count = models.PositiveIntegerField("意見数", default=0)
    meta = models.JSONField("分析の情報", default=dict, blank=True)
    extras = models.JSONField(
        "比較・分野横断・重複の結果", default=dict, blank=True
    )  # comparisons, cross_sector, duplicate_groups
    task_id = models.CharField("タスクID", max_length=64, blank=True)
    published = models.BooleanField("公開", default=False, db_index=True)
    published_at = models.DateTimeField("公開日時", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField("開始指示の日時", auto_now_add=True)
    started_at = models.DateTimeField("開始日時", null=True, blank=True)
    finished_at = models.DateTimeField("終了日時", null=True, blank=True)

    class Meta:
        verbose_name = "分析"
        verbose_name_plural = "分析"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "number"], name="listening_run_number")
        ]

    def __str__(self) -> str:
        return f"{self.consultation} 第{self.number}版"

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class RunCluster(models.Model):
    """A topic (parent is null) or a subtopic of one run; `key` is the library's cluster id."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="clusters")
    key = models.CharField("クラスタID", max_length=40)
    parent_key = models.CharField("親クラスタID", max_length=40, blank=True)
    label = models.CharField("見出し", max_length=200)
    auto_label = models.CharField("自動でつけた見出し", max_length=200, blank=True)
    keywords = models.JSONField("キーワード", default=list, blank=True)
    size = models.PositiveIntegerField("意見数", default=0)
    representatives = models.JSONField("代表的な意見（意見ID）", default=list, blank=True)
    merged_into = models.CharField("統合先", max_length=40, blank=True)
    position = models.PositiveIntegerField("並び順", default=0)

    class Meta:
        verbose_name = "トピック"
        verbose_name_plural = "トピック"
        ordering = ["position", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "key"], name="listening_cluster_key")]

    def __str__(self) -> str:
        return self.label

    @property
    def is_topic(self) -> bool:
        return not self.parent_key


class RunRow(models.Model):
    """Where one opinion landed in one run."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="rows")
    opinion = models.ForeignKey(
        "participation.Opinion", on_delete=models.CASCADE, related_name="analysis_rows"
    )
    topic = models.CharField("トピック", max_length=40, db_index=True)
    subtopic = models.CharField("サブトピック", max_length=40, blank=True)
    perspectives = models.JSONField("視点", default=list, blank=True)
    duplicate_group = models.CharField("重複グループ", max_length=40, blank=True)
    x = models.FloatField(default=0.0)
    y = models.FloatField(default=0.0)
    age_band = models.CharField("年代", max_length=20, blank=True)
    district = models.CharField("地域", max_length=20, blank=True)
    channel = models.CharField("チャネル", max_length=20, blank=True)
    youth = models.BooleanField("子ども・若者", default=False)

    class Meta:
        verbose_name = "分析結果の行"
        verbose_name_plural = "分析結果の行"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "opinion"], name="listening_row_opinion")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.opinion_id}"


class PerspectiveCorrection(models.Model):
    """Staff's correction of an opinion's perspectives; kept across runs and fed to them."""

    opinion = models.OneToOneField(
        "participation.Opinion", on_delete=models.CASCADE, related_name="perspective_correction"
    )
    codes = models.JSONField("視点（コード）", default=list)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    corrected_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "視点の修正"
        verbose_name_plural = "視点の修正"

    def __str__(self) -> str:
        return f"{self.opinion_id}: {','.join(self.codes)}"


class TopicEdit(models.Model):
    """A staff edit of topics, replayed on later runs of the same consultation.

    Clusters are named by their member opinion ids at the time of the edit, so a later run
    can find its matching cluster by overlap (Jaccard) even though cluster ids change.
    """

    class Kind(models.TextChoices):
        RENAME = "rename", "見出しの変更"
        MERGE = "merge", "統合"
        MOVE = "move", "意見の移動"

    consultation = models.ForeignKey(
        "participation.Consultation", on_delete=models.CASCADE, related_name="topic_edits"
    )
    run = models.ForeignKey(
        AnalysisRun, null=True, on_delete=models.SET_NULL, related_name="topic_edits"
    )
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    payload = models.JSONField("内容", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "トピックの修正"
        verbose_name_plural = "トピックの修正"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"
