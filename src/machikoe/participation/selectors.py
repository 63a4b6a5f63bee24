"""Reads for participation: consultations, public opinions, the moderation queue, counts.

Public reads never load the original `body` (deferred), so a template cannot show it by
mistake.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, QuerySet
from django.db.models.functions import TruncDate

from machikoe.core.errors import MachikoeError
from machikoe.participation.models import (
    YOUTH_AGE_BANDS,
    AgeBand,
    Channel,
    Consultation,
    District,
    Opinion,
    OpinionReport,
)


class NotFound(MachikoeError):
    code = "not_found"


def get_consultation(slug: str) -> Consultation:
    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None:
        raise NotFound(f"意見募集「{slug}」は見つかりません。", field="consultation")
    return consultation


def consultations() -> QuerySet[Consultation]:
    return Consultation.objects.order_by("-opens_at").annotate(opinion_count=Count("opinions"))


def public_opinions(
    consultation: Consultation, *, include_hidden: bool = False
) -> QuerySet[Opinion]:
    """Approved opinions (masked text only), oldest first; with `include_hidden`, hidden ones
    too so pages can show them as 非公開（理由）."""
    statuses = [Opinion.Status.APPROVED]
    if include_hidden:
        statuses.append(Opinion.Status.HIDDEN)
    return (
        Opinion.objects.filter(consultation=consultation, status__in=statuses)
        .defer("body", "client_key", "content_hash", "masked_spans")
        .order_by("submitted_at", "id")
    )


def public_opinion(consultation: Consultation, opinion_id: int) -> Opinion:
    opinion = public_opinions(consultation, include_hidden=True).filter(pk=opinion_id).first()
    if opinion is None:
        raise NotFound("意見が見つかりません。", field="opinion")
    return opinion


def opinion_by_receipt(consultation: Consultation, receipt_number: str) -> Opinion | None:
    return (
        Opinion.objects.filter(consultation=consultation, receipt_number=receipt_number)
        .only("id", "receipt_number", "submitted_at", "consultation_id")
        .first()
    )


def moderation_queue(consultation: Consultation, status: str | None = None) -> QuerySet[Opinion]:
    qs = Opinion.objects.filter(consultation=consultation).annotate(
        open_reports=Count("reports", distinct=True)
    )
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-open_reports", "submitted_at", "id")


def open_reports(consultation: Consultation) -> QuerySet[OpinionReport]:
    return OpinionReport.objects.filter(opinion__consultation=consultation, resolved=False)


def statistics(consultation: Consultation) -> dict[str, Any]:
    """Counts by channel, age band, district and day, and the youth share.

    Every received opinion counts, hidden ones included (hiding changes what is shown, not
    what was said).
    """
    opinions = Opinion.objects.filter(consultation=consultation)
    total = opinions.count()

    def by(field: str, choices: Any) -> list[dict[str, Any]]:
        counts = Counter(
            {row[field]: row["n"] for row in opinions.values(field).annotate(n=Count("id"))}
        )
        rows = [
            {"key": value, "label": label, "count": counts.get(value, 0)}
            for value, label in choices.choices
        ]
        unanswered = counts.get("", 0)
        if unanswered:
            rows.append({"key": "", "label": "未記入", "count": unanswered})
        return rows

    days = [
        {"day": row["day"].isoformat(), "count": row["n"]}
        for row in opinions.annotate(day=TruncDate("submitted_at"))
        .values("day")
        .annotate(n=Count("id"))
        .order_by("day")
        if row["day"] is not None
    ]
    youth = opinions.filter(age_band__in=list(YOUTH_AGE_BANDS)).count()
    youth_channel = opinions.filter(channel=Channel.YOUTH_WEB).count()
    status_counts = {
        row["status"]: row["n"] for row in opinions.values("status").annotate(n=Count("id"))
    }
    return {
        "total": total,
        "youth": youth,
        "youth_share": youth / total if total else 0.0,
        "youth_channel": youth_channel,
        "by_channel": by("channel", Channel),
        "by_age_band": by("age_band", AgeBand),
        "by_district": by("district", District),
        "by_day": days,
        "by_status": {
            status.value: status_counts.get(status.value, 0) for status in Opinion.Status
        },
    }
