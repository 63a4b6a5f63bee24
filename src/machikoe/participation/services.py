"""Writes for participation: submissions, consultations, moderation, masking, tokens.

Every function that changes data runs in a transaction; staff writes are audit-logged
(`machikoe.core.audit.record`). Views and the API call these, never the models directly.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from machikoe.analysis.text.pii import PiiSpan, apply_spans, mask_pii
from machikoe.core import audit
from machikoe.core.errors import NotAllowed, ValidationFailed
from machikoe.core.roles import is_staff, require_staff
from machikoe.participation.models import (
    AgeBand,
    ApiToken,
    Channel,
    Consultation,
    ConsultationState,
    District,
    HiddenReason,
    Opinion,
    OpinionReport,
    Relation,
)
from machikoe.participation.receipts import new_receipt_number
from machikoe.participation.signals import opinion_created, opinion_masking_changed

Actor = AbstractBaseUser | AnonymousUser | None

MAX_BODY_CHARS = 4000
# Channels residents use themselves: only while the consultation is open. Staff channels
# (import, paper, event) enter what was received on time, so they may come later.
LIVE_CHANNELS = frozenset({Channel.WEB, Channel.YOUTH_WEB, Channel.API})
VIEW_ORIGINAL_PERMISSION = "participation.view_original_text"


@dataclass(frozen=True)
class OpinionInput:
    """One opinion as received, before validation."""

    body: str
    channel: str = Channel.WEB
    section_code: str = ""
    age_band: str = ""
    district: str = ""
    relation: str = ""


def normalise_body(body: str) -> str:
    """Line endings unified, surrounding blanks removed; the words themselves are kept."""
    return body.replace("\r\n", "\n").replace("\r", "\n").strip()


def content_hash(body: str) -> str:
    """Hash of the text with width and spacing differences removed (for duplicates)."""
    folded = "".join(unicodedata.normalize("NFKC", body).split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def _choice(value: str, choices: Iterable[str], field: str, label: str) -> str:
    value = (value or "").strip()
    if value and value not in set(choices):
        raise ValidationFailed(f"{label}の値「{value}」は選べません。", field=field)
    return value


def validate_opinion(
    consultation: Consultation,
    data: OpinionInput,
    *,
    now: datetime | None = None,
) -> OpinionInput:
    """A cleaned copy of `data`, or ValidationFailed naming the field at fault."""
    if data.channel not in Channel.values:
        raise ValidationFailed("受付の方法が正しくありません。", field="channel")
    if not consultation.accepts(data.channel):
        raise ValidationFailed("この意見募集はこの方法では受け付けていません。", field="channel")
    if data.channel in LIVE_CHANNELS:
        state = consultation.state(now)
        if state != ConsultationState.OPEN:
            raise ValidationFailed(
                f"この意見募集は{state.label}です。いまは意見を受け付けていません。",
                code="closed",
                field="consultation",
            )
    body = normalise_body(data.body or "")
    if not body:
        raise ValidationFailed("意見を入力してください。", field="body")
    if len(body) > MAX_BODY_CHARS:
        raise ValidationFailed(
            f"意見は{MAX_BODY_CHARS:,}字以内で入力してください（いま{len(body):,}字です）。",
            code="too_long",
            field="body",
        )
    section = (data.section_code or "").strip()
    if section and consultation.section_codes and section not in consultation.section_codes:
        raise ValidationFailed(
            f"対象の節「{section}」はこの意見募集にありません。", field="section_code"
        )
    return replace(
        data,
        body=body,
        section_code=section,
        age_band=_choice(data.age_band, AgeBand.values, "age_band", "年代"),
        district=_choice(data.district, District.values, "district", "地域"),
        relation=_choice(data.relation, Relation.values, "relation", "区との関わり"),
    )


def submit_opinion(
    consultation: Consultation,
    data: OpinionInput,
    *,
    client_key: str = "",
    external_id: str = "",
    submitted_at: datetime | None = None,
    status: str = Opinion.Status.PENDING,
) -> Opinion:
    """Validate, mask and store one opinion; return it with its receipt number.

    The receipt number exists only once the transaction has committed, so a caller that
    shows it after this returns never shows a receipt for a lost opinion. The same text from
    the same client in the same consultation is refused as a duplicate.
    """
    now = timezone.now()
    clean = validate_opinion(consultation, data, now=now)
    digest = content_hash(clean.body)
    masked = mask_pii(clean.body)
    opinion = Opinion(
        consultation=consultation,
        channel=clean.channel,
        section_code=clean.section_code,
        body=clean.body,
        masked_body=masked.masked,
        masked_spans=[s.to_dict() for s in masked.spans],
        age_band=clean.age_band,
        district=clean.district,
        relation=clean.relation,
        status=status,
        external_id=external_id,
        client_key=client_key,
        content_hash=digest,
        submitted_at=submitted_at or now,
    )
    for attempt in range(3):
        opinion.receipt_number = new_receipt_number(timezone.localtime(now))
        try:
            with transaction.atomic():
                opinion.save(force_insert=True)
                transaction.on_commit(lambda: opinion_created.send(sender=Opinion, opinion=opinion))
            break
        except IntegrityError:
            # The unique constraints decide: same text from the same client, a re-imported
            # row, or (astronomically rarely) a receipt number drawn twice — then retry.
            opinion.pk = None
            if client_key and _exists(consultation, client_key=client_key, content_hash=digest):
                raise ValidationFailed(
                    "同じ内容の意見がすでに届いています。", code="duplicate", field="body"
                ) from None
            if attempt == 2 or (external_id and _exists(consultation, external_id=external_id)):
                raise
    return opinion


def _exists(consultation: Consultation, **lookup: str) -> bool:
    return Opinion.objects.filter(consultation=consultation, **lookup).exists()


def report_opinion(
    opinion: Opinion, reason: str, note: str = "", client_key: str = ""
) -> OpinionReport:
    """A resident reports an opinion (one report per client and opinion is kept)."""
    if reason not in HiddenReason.values:
        raise ValidationFailed("通報の理由を選んでください。", field="reason")
    existing = OpinionReport.objects.filter(opinion=opinion, client_key=client_key).first()
    if client_key and existing is not None:
        return existing
    return OpinionReport.objects.create(
        opinion=opinion, reason=reason, note=note.strip()[:500], client_key=client_key
    )


# --- staff -----------------------------------------------------------------------------------


CONSULTATION_FIELDS = (
    "slug",
    "title",
    "description",
    "plan_version",
    "section_codes",
    "opens_at",
    "closes_at",
    "channels",
    "ask_age_band",
    "ask_district",
    "ask_relation",
)


RESERVED_SLUGS = frozenset({"staff"})


def _check_consultation(fields: dict[str, Any]) -> None:
    if fields.get("slug") in RESERVED_SLUGS:
        raise ValidationFailed("この識別子は使えません。", field="slug")
    opens, closes = fields.get("opens_at"), fields.get("closes_at")
    if opens and closes and closes <= opens:
        raise ValidationFailed("終了日時は開始日時より後にしてください。", field="closes_at")
    for channel in fields.get("channels") or []:
        if channel not in Channel.values:
            raise ValidationFailed(f"チャネル「{channel}」はありません。", field="channels")


@transaction.atomic
def create_consultation(actor: Actor, **fields: Any) -> Consultation:
    require_staff(actor)
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"不明な項目: {', '.join(sorted(unknown))}")
    _check_consultation(fields)
    if Consultation.objects.filter(slug=fields.get("slug")).exists():
        raise ValidationFailed("この識別子はすでに使われています。", field="slug")
    consultation = Consultation.objects.create(
        created_by=actor if getattr(actor, "pk", None) else None,  # type: ignore[misc]
        **fields,
    )
    audit.record(
        actor, "participation.consultation.create", consultation, after=audit.snapshot(consultation)
    )
    return consultation


@transaction.atomic
def update_consultation(actor: Actor, consultation: Consultation, **fields: Any) -> Consultation:
    require_staff(actor)
    unknown = set(fields) - set(CONSULTATION_FIELDS)
    if unknown:
        raise ValidationFailed(f"不明な項目: {', '.join(sorted(unknown))}")
    before = audit.snapshot(consultation)
    for name, value in fields.items():
        setattr(consultation, name, value)
    _check_consultation(
        {"opens_at": consultation.opens_at, "closes_at": consultation.closes_at, **fields}
    )
    consultation.save()
    audit.record(
        actor,
        "participation.consultation.update",
        consultation,
        before=before,
        after=audit.snapshot(consultation),
    )
    return consultation


def _moderation_snapshot(opinion: Opinion) -> dict[str, Any]:
    return {"status": opinion.status, "hidden_reason": opinion.hidden_reason}


@transaction.atomic
def moderate(actor: Actor, opinion: Opinion, action: str, reason: str = "") -> Opinion:
    """approve / hide (with a reason) / restore an opinion."""
    require_staff(actor)
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    before = _moderation_snapshot(opinion)
    if action == "approve":
        opinion.status, opinion.hidden_reason = Opinion.Status.APPROVED, ""
    elif action == "hide":
        if reason not in HiddenReason.values:
            raise ValidationFailed("非公開にする理由を選んでください。", field="reason")
        opinion.status, opinion.hidden_reason = Opinion.Status.HIDDEN, reason
    elif action == "restore":
        if opinion.status != Opinion.Status.HIDDEN:
            raise ValidationFailed("非公開の意見だけを元に戻せます。", field="action")
        opinion.status, opinion.hidden_reason = Opinion.Status.APPROVED, ""
    else:
        raise ValidationFailed(f"不明な操作: {action}", field="action")
    opinion.moderated_at = timezone.now()
    opinion.moderated_by = actor if getattr(actor, "pk", None) else None  # type: ignore[assignment]
    opinion.save(update_fields=["status", "hidden_reason", "moderated_at", "moderated_by"])
    if action in ("hide", "approve"):
        opinion.reports.filter(resolved=False).update(resolved=True)
    audit.record(
        actor,
        f"participation.opinion.{action}",
        opinion,
        before=before,
        after=_moderation_snapshot(opinion),
    )
    return opinion


def can_view_original(actor: Actor) -> bool:
    return bool(
        actor is not None
        and is_staff(actor)
        and getattr(actor, "has_perm", lambda _p: False)(VIEW_ORIGINAL_PERMISSION)
    )


def read_original(actor: Actor, opinion: Opinion, *, purpose: str = "") -> str:
    """The unmasked text, for staff with the permission; every reading is audit-logged."""
    if not can_view_original(actor):
        raise NotAllowed("原文を見る権限がありません。")
    with transaction.atomic():
        audit.record(actor, "participation.opinion.view_original", opinion, note=purpose)
    return opinion.body


def read_originals(actor: Actor, opinions: Sequence[Opinion], *, purpose: str) -> dict[int, str]:
    """Originals of several opinions (an export), with one audit entry listing them."""
    if not can_view_original(actor):
        raise NotAllowed("原文を見る権限がありません。")
    with transaction.atomic():
        audit.record(
            actor,
            "participation.opinion.view_original",
            object_type="participation.Opinion",
            object_id=f"{len(opinions)}件",
            after={"ids": [o.pk for o in opinions]},
            note=purpose,
        )
    return {o.pk: o.body for o in opinions}


@transaction.atomic
def correct_masking(actor: Actor, opinion: Opinion, spans: Sequence[PiiSpan]) -> Opinion:
    """Staff replace the masked spans (add a missed name, unmask a place name)."""
    if not can_view_original(actor):
        raise NotAllowed("伏せ字を修正するには原文を見る権限が必要です。")
    opinion = Opinion.objects.select_for_update().get(pk=opinion.pk)
    ordered = sorted(spans)
    for span in ordered:
        if span.end > len(opinion.body):
            raise ValidationFailed("範囲が本文の外にあります。", field="spans")
    try:
        masked = apply_spans(opinion.body, ordered)
    except ValueError as exc:
        raise ValidationFailed("伏せる範囲が重なっています。", field="spans") from exc
    before = {"masked_body": opinion.masked_body, "masked_spans": opinion.masked_spans}
    opinion.masked_body = masked
    opinion.masked_spans = [s.to_dict() for s in ordered]
    opinion.masking_corrected = True
    opinion.save(update_fields=["masked_body", "masked_spans", "masking_corrected"])
    audit.record(
        actor,
        "participation.opinion.correct_masking",
        opinion,
        before=before,
        after={"masked_body": opinion.masked_body, "masked_spans": opinion.masked_spans},
    )
    transaction.on_commit(lambda: opinion_masking_changed.send(sender=Opinion, opinion=opinion))
    return opinion


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "mk_"


def hash_token(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def create_api_token(actor: Actor, user: AbstractBaseUser, name: str) -> tuple[ApiToken, str]:
    """A new token for a staff user; the key is returned once and only its hash is kept."""
    require_staff(actor)
    if not is_staff(user):
        raise ValidationFailed("API トークンは職員にだけ発行できます。", field="user")
    key = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,  # type: ignore[misc]
        name=name.strip() or "API",
        prefix=key[:10],
        key_hash=hash_token(key),
    )
    audit.record(
        actor, "participation.api_token.create", token, after={"name": token.name, "user": user.pk}
    )
    return token, key


@transaction.atomic
def revoke_api_token(actor: Actor, token: ApiToken) -> None:
    require_staff(actor)
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit.record(actor, "participation.api_token.revoke", token)


def authenticate_token(key: str) -> AbstractBaseUser | None:
    """The active staff user behind a bearer key, or None."""
    if not key.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.is_active or not is_staff(token.user):
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user
