"""Consultations (意見募集) and the opinions they receive, from every channel.

`body` is the resident's original text and may hold personal data: it is shown only to staff
with the `participation.view_original_text` permission. Everything public uses `masked_body`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AgeBand(models.TextChoices):
    ELEMENTARY = "elementary", "小学生"
    JUNIOR_HIGH = "junior_high", "中学生"
    HIGH_SCHOOL = "high_school", "高校生"
    COLLEGE = "college", "大学生・専門学校生等"
    AGE_20S = "20s", "20代"
    AGE_30S = "30s", "30代"
    AGE_40S = "40s", "40代"
    AGE_50S = "50s", "50代"
    AGE_60S = "60s", "60代"
    AGE_70S = "70s", "70代"
    AGE_80_PLUS = "80plus", "80代以上"
    NO_ANSWER = "no_answer", "回答しない"


YOUTH_AGE_BANDS = frozenset(
    {AgeBand.ELEMENTARY, AgeBand.JUNIOR_HIGH, AgeBand.HIGH_SCHOOL, AgeBand.COLLEGE}
)


class District(models.TextChoices):
    SETAGAYA = "setagaya", "世田谷"
    KITAZAWA = "kitazawa", "北沢"
    TAMAGAWA = "tamagawa", "玉川"
    KINUTA = "kinuta", "砧"
    KARASUYAMA = "karasuyama", "烏山"
    OUTSIDE = "outside", "区外"
    NO_ANSWER = "no_answer", "回答しない"


class Relation(models.TextChoices):
    RESIDENT = "resident", "在住"
    WORKER = "worker", "在勤"
    STUDENT = "student", "在学"
    OTHER = "other", "その他"


class Channel(models.TextChoices):
    WEB = "web", "ウェブフォーム"
    YOUTH_WEB = "youth_web", "こども・若者向けフォーム"
    API = "api", "API"
    IMPORT = "import", "取り込み（CSV・Excel）"
    PAPER = "paper", "紙・窓口"
    EVENT = "event", "ワークショップ・説明会"


class HiddenReason(models.TextChoices):
    ABUSE = "abuse", "誹謗中傷"
    PERSONAL_DATA = "personal_data", "個人情報"
    DUPLICATE = "duplicate", "重複"
    SPAM = "spam", "スパム"
    OTHER = "other", "その他"


class ConsultationState(models.TextChoices):
    UPCOMING = "upcoming", "受付前"
    OPEN = "open", "受付中"
    CLOSED = "closed", "受付終了"


class Consultation(models.Model):
    slug = models.SlugField("識別子", unique=True)
    title = models.CharField("題名", max_length=200)
    description = models.TextField("説明", blank=True)
    plan_version = models.ForeignKey(
        "plan.PlanVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    section_codes = models.JSONField("対象の節（コード）", default=list, blank=True)
    opens_at = models.DateTimeField("開始日時")
    closes_at = models.DateTimeField("終了日時")
    channels = models.JSONField("受付チャネル", default=list, blank=True)
    ask_age_band = models.BooleanField("年代を尋ねる", default=True)
    ask_district = models.BooleanField("地域を尋ねる", default=True)
    ask_relation = models.BooleanField("区との関わりを尋ねる", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "意見募集"
        verbose_name_plural = "意見募集"
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title

    def state(self, now: object = None) -> ConsultationState:
        """受付前 / 受付中 / 受付終了 at `now` (default: the current time)."""
        moment = now or timezone.now()
        if moment < self.opens_at:  # type: ignore[operator]
            return ConsultationState.UPCOMING
        if moment >= self.closes_at:  # type: ignore[operator]
            return ConsultationState.CLOSED
        return ConsultationState.OPEN

    def accepts(self, channel: str) -> bool:
        """Whether `channel` is switched on (an empty list means every channel)."""
        return not self.channels or channel in self.channels


class Opinion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "確認待ち"
        APPROVED = "approved", "公開"
        HIDDEN = "hidden", "非公開"

    consultation = models.ForeignKey(
        Consultation, on_delete=models.PROTECT, related_name="opinions"
    )
    receipt_number = models.CharField("受付番号", max_length=32, unique=True)
    channel = models.CharField("チャネル", max_length=20, choices=Channel.choices)
    section_code = models.CharField("対象の節", max_length=32, blank=True)
    body = models.TextField("原文")
    masked_body = models.TextField("公開用本文（個人情報を伏せたもの）")
    masked_spans = models.JSONField("伏せた箇所", default=list, blank=True)
    age_band = models.CharField("年代", max_length=20, choices=AgeBand.choices, blank=True)
    district = models.CharField("地域", max_length=20, choices=District.choices, blank=True)
    relation = models.CharField("区との関わり", max_length=20, choices=Relation.choices, blank=True)
    status = models.CharField(
        "状態", max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    hidden_reason = models.CharField("非公開の理由", max_length=40, blank=True)
    external_id = models.CharField("取り込み元ID", max_length=200, blank=True)
    client_key = models.CharField("送信元（ハッシュ）", max_length=64, blank=True)
    content_hash = models.CharField("本文のハッシュ", max_length=64, blank=True)
    submitted_at = models.DateTimeField("受付日時", db_index=True)
    masking_corrected = models.BooleanField("伏せ字を職員が修正", default=False)
    moderated_at = models.DateTimeField("確認日時", null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "意見"
        verbose_name_plural = "意見"
        ordering = ["submitted_at", "id"]
        permissions = [("view_original_text", "意見の原文（個人情報を含む）を閲覧できる")]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "external_id"],
                condition=~models.Q(external_id=""),
                name="opinion_unique_external_id",
            ),
            # Duplicate detection (same text from the same client) enforced by the database,
            # so two simultaneous identical submissions cannot both get a receipt.
            models.UniqueConstraint(
                fields=["consultation", "client_key", "content_hash"],
                condition=~models.Q(client_key=""),
                name="opinion_unique_client_text",
            ),
        ]
        indexes = [
            models.Index(fields=["consultation", "status"], name="opinion_consultation_status"),
        ]

    def __str__(self) -> str:
        return self.receipt_number

    @property
    def is_youth(self) -> bool:
        return self.age_band in YOUTH_AGE_BANDS or self.channel == Channel.YOUTH_WEB

    def hidden_label(self) -> str:
        """The public placeholder for a hidden opinion: 非公開（理由）."""
        reason = (
            HiddenReason(self.hidden_reason).label
            if self.hidden_reason in HiddenReason.values
            else "その他"
        )
        return f"非公開（{reason}）"


class OpinionReport(models.Model):
    """A resident's report (通報) that an opinion breaks the rules; staff see them in the queue."""

    opinion = models.ForeignKey(Opinion, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField("理由", max_length=20, choices=HiddenReason.choices)
    note = models.CharField("補足", max_length=500, blank=True)
    client_key = models.CharField("送信元（ハッシュ）", max_length=64, blank=True)
    created_at = models.DateTimeField("日時", auto_now_add=True)
    resolved = models.BooleanField("対応済み", default=False)

    class Meta:
        verbose_name = "通報"
        verbose_name_plural = "通報"
        ordering = ["-created_at"]


class ApiToken(models.Model):
    """A staff API token. Only a SHA-256 of the key is stored; the key is shown once."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    name = models.CharField("名前", max_length=100)
    prefix = models.CharField("先頭", max_length=12)
    key_hash = models.CharField("ハッシュ", max_length=64, unique=True)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    last_used_at = models.DateTimeField("最終利用", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        verbose_name = "APIトークン"
        verbose_name_plural = "APIトークン"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
