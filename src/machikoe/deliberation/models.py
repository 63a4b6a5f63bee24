"""Conversations (熟議): statements residents vote on, Polis-style.

A conversation belongs to a consultation or to a plan section (by its stable code).
Statements come from staff (seed) or participants (after moderation; `text` is the
original, `masked_text` the public version with personal data masked). `Vote` holds the
latest vote per participant and statement; `VoteEvent` keeps every vote ever cast, for
replaying the history through Polis' k-smoothing. `AnalysisCache` stores the last computed
result and the state the next update starts from.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from machikoe.participation.models import AgeBand, District


class Conversation(models.Model):
    slug = models.SlugField("識別子", unique=True)
    title = models.CharField("題名", max_length=200)
    question = models.TextField("問いかけ")
    description = models.TextField("説明", blank=True)
    consultation = models.ForeignKey(
        "participation.Consultation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conversations",
        verbose_name="意見募集",
    )
    section_code = models.CharField("対象の節（コード）", max_length=32, blank=True)
    is_open = models.BooleanField("受付中", default=True)
    allow_statements = models.BooleanField("参加者の意見を受け付ける", default=True)
    ask_age_band = models.BooleanField("年代を尋ねる", default=True)
    ask_district = models.BooleanField("地域を尋ねる", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "熟議"
        verbose_name_plural = "熟議"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Participant(models.Model):
    """Someone who votes: a signed-cookie visitor, a signed-in resident or an imported id."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    external_id = models.CharField("取り込み元ID", max_length=64, blank=True)
    age_band = models.CharField("年代", max_length=20, choices=AgeBand.choices, blank=True)
    district = models.CharField("地域", max_length=20, choices=District.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "参加者"
        verbose_name_plural = "参加者"
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "user"],
                condition=models.Q(user__isnull=False),
                name="delib_participant_unique_user",
            ),
            models.UniqueConstraint(
                fields=["conversation", "external_id"],
                condition=~models.Q(external_id=""),
                name="delib_participant_unique_external",
            ),
        ]

    def __str__(self) -> str:
        return f"参加者 {self.pk}"

    @property
    def polis_id(self) -> str:
        return self.external_id or str(self.pk)


class Statement(models.Model):
    class Status(models.IntegerChoices):
        """Polis' `moderated` values."""

        REJECTED = -1, "非公開"
        PENDING = 0, "確認待ち"
        APPROVED = 1, "公開"

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="statements"
    )
    number = models.PositiveIntegerField("番号")
    text = models.TextField("原文")
    masked_text = models.TextField("公開用本文（個人情報を伏せたもの）")
    author = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.SET_NULL, related_name="statements"
    )
    is_seed = models.BooleanField("職員が用意した意見", default=False)
    is_meta = models.BooleanField("属性などの問い（分析に使わない）", default=False)
    status = models.SmallIntegerField("状態", choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField("作成日時")

    class Meta:
        verbose_name = "意見（投票の対象）"
        verbose_name_plural = "意見（投票の対象）"
        ordering = ["conversation", "number"]
        permissions = [("moderate_statement", "熟議の意見を確認・公開できる")]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "number"], name="delib_statement_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.masked_text[:40]}"


class VoteValue(models.IntegerChoices):
    """Polis' export sign: agree = 1, disagree = -1, pass = 0."""

    AGREE = 1, "賛成"
    DISAGREE = -1, "反対"
    PASS = 0, "パス（わからない）"


class Vote(models.Model):
    """The latest vote of a participant on a statement (one row per pair)."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="votes")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="votes")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    value = models.SmallIntegerField("投票", choices=VoteValue.choices)
    voted_at = models.DateTimeField("投票日時")

    class Meta:
        verbose_name = "投票"
        verbose_name_plural = "投票"
        constraints = [
            models.UniqueConstraint(fields=["participant", "statement"], name="delib_vote_once")
        ]


class VoteEvent(models.Model):
    """Every vote cast, kept for the history (Polis export, k-smoothing replay)."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="vote_events"
    )
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="+")
    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField("投票", choices=VoteValue.choices)
    voted_at = models.DateTimeField("投票日時", db_index=True)

    class Meta:
        verbose_name = "投票履歴"
        verbose_name_plural = "投票履歴"
        ordering = ["voted_at", "id"]


class AnalysisCache(models.Model):
    """The last computed result of a conversation and the model state to continue from."""

    conversation = models.OneToOneField(
        Conversation, on_delete=models.CASCADE, related_name="analysis"
    )
    last_event_id = models.BigIntegerField("計算に含めた最後の投票履歴", default=0)
    computed_at = models.DateTimeField("計算日時")
    seconds = models.FloatField("計算時間（秒）", default=0.0)
    result = models.JSONField("結果", default=dict)
    state = models.JSONField("次回の計算の出発点", default=dict)

    class Meta:
        verbose_name = "分析結果"
        verbose_name_plural = "分析結果"
