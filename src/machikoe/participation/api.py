"""JSON API for participation (mounted at /api/participation/).

Public: read consultations and their public (masked, approved) opinions, submit an opinion.
Staff: endpoints under /staff/ need `Authorization: Bearer <token>` (see ApiToken).
Errors are JSON {"code", "message", "field"}; ninja's own 422 names the field in `loc`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.security import HttpBearer

from machikoe.core.errors import MachikoeError, NotAllowed
from machikoe.participation import ratelimits, selectors, services
from machikoe.participation.models import Channel, Consultation, Opinion
from machikoe.participation.selectors import NotFound

router = Router(tags=["participation"])


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = services.authenticate_token(token)
        if user is not None:
            request.user = user  # type: ignore[assignment]
        return user


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ConsultationOut(Schema):
    slug: str
    title: str
    description: str
    opens_at: datetime
    closes_at: datetime
    state: str
    state_label: str
    channels: list[str]
    section_codes: list[str]
    ask_age_band: bool
    ask_district: bool
    ask_relation: bool


class OpinionOut(Schema):
    id: int
    submitted_at: datetime
    channel: str
    section_code: str
    age_band: str
    district: str
    relation: str
    text: str
    hidden: bool


class OpinionPage(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    items: list[OpinionOut]


class OpinionIn(Schema):
    body: str = Field(..., description="意見の本文（4,000字まで）")
    section_code: str = ""
    age_band: str = ""
    district: str = ""
    relation: str = ""
    website: str = Field("", description="空のままにしてください（スパム対策）")


class ReceiptOut(Schema):
    receipt_number: str
    submitted_at: datetime


class StaffOpinionOut(OpinionOut):
    receipt_number: str
    status: str
    hidden_reason: str
    masked_spans: list[dict[str, Any]]
    reports: int


class ModerationIn(Schema):
    action: str = Field(..., description="approve, hide, restore")
    reason: str = ""


class OriginalOut(Schema):
    id: int
    body: str


def _consultation_out(c: Consultation) -> dict[str, Any]:
    state = c.state()
    return {
        "slug": c.slug,
        "title": c.title,
        "description": c.description,
        "opens_at": c.opens_at,
        "closes_at": c.closes_at,
        "state": state.value,
        "state_label": state.label,
        "channels": c.channels,
        "section_codes": c.section_codes,
        "ask_age_band": c.ask_age_band,
        "ask_district": c.ask_district,
        "ask_relation": c.ask_relation,
    }


def _opinion_out(o: Opinion) -> dict[str, Any]:
    hidden = o.status == Opinion.Status.HIDDEN
    return {
        "id": o.pk,
        "submitted_at": o.submitted_at,
        "channel": o.channel,
        "section_code": o.section_code,
        "age_band": o.age_band,
        "district": o.district,
        "relation": o.relation,
        "text": o.hidden_label() if hidden else o.masked_body,
        "hidden": hidden,
    }


def _error(exc: MachikoeError) -> Status[dict[str, Any]]:
    status = {
        "not_found": 404,
        "forbidden": 403,
        "rate_limited": 429,
        "duplicate": 409,
        "closed": 409,
    }.get(exc.code, 400)
    return Status(status, exc.to_dict())


@router.get("/consultations", response=list[ConsultationOut], summary="意見募集の一覧")
def list_consultations(request: HttpRequest) -> list[dict[str, Any]]:
    return [_consultation_out(c) for c in selectors.consultations()]


@router.get(
    "/consultations/{slug}",
    response={200: ConsultationOut, 404: ErrorOut},
    summary="意見募集の詳細",
)
def get_consultation(request: HttpRequest, slug: str) -> Any:
    try:
        return _consultation_out(selectors.get_consultation(slug))
    except MachikoeError as exc:
        return _error(exc)


@router.get(
    "/consultations/{slug}/opinions",
    response={200: OpinionPage, 404: ErrorOut},
    summary="公開された意見（個人情報は伏せ字）",
)
def list_opinions(request: HttpRequest, slug: str, page: int = 1, page_size: int = 50) -> Any:
    try:
        consultation = selectors.get_consultation(slug)
    except MachikoeError as exc:
        return _error(exc)
    page_size = max(1, min(page_size, 200))
    qs = selectors.public_opinions(consultation, include_hidden=True)
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = max(1, min(page, pages))
    items = qs[(page - 1) * page_size : page * page_size]
    return {
        "count": count,
        "page": page,
        "page_size": page_size,
        "pages": pages,
        "items": [_opinion_out(o) for o in items],
    }


@router.post(
    "/consultations/{slug}/opinions",
    response={201: ReceiptOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut, 429: ErrorOut},
    summary="意見を送る（受付番号は保存の確定後に返ります）",
)
def submit_opinion(request: HttpRequest, slug: str, payload: OpinionIn) -> Any:
    try:
        consultation = selectors.get_consultation(slug)
        if payload.website:
            raise MachikoeError("送信できませんでした。", code="invalid", field="website")
        ratelimits.check(request, slug)
        opinion = services.submit_opinion(
            consultation,
            services.OpinionInput(
                body=payload.body,
                channel=Channel.API,
                section_code=payload.section_code,
                age_band=payload.age_band,
                district=payload.district,
                relation=payload.relation,
            ),
            client_key=ratelimits.client_key(request),
        )
    except MachikoeError as exc:
        return _error(exc)
    return Status(
        201, {"receipt_number": opinion.receipt_number, "submitted_at": opinion.submitted_at}
    )


@router.get("/consultations/{slug}/statistics", summary="件数の集計（チャネル・年代・地域・日別）")
def statistics(request: HttpRequest, slug: str) -> Any:
    try:
        return selectors.statistics(selectors.get_consultation(slug))
    except MachikoeError as exc:
        return _error(exc)


@router.get(
    "/staff/consultations/{slug}/opinions",
    auth=BearerToken(),
    response={200: list[StaffOpinionOut], 404: ErrorOut},
    summary="【職員】すべての意見（伏せ字）と状態",
)
def staff_opinions(request: HttpRequest, slug: str, status: str = "") -> Any:
    try:
        consultation = selectors.get_consultation(slug)
    except MachikoeError as exc:
        return _error(exc)
    out = []
    for o in selectors.moderation_queue(consultation, status or None):
        item = _opinion_out(o)
        item.update(
            text=o.masked_body,
            receipt_number=o.receipt_number,
            status=o.status,
            hidden_reason=o.hidden_reason,
            masked_spans=o.masked_spans,
            reports=o.open_reports,  # type: ignore[attr-defined]
        )
        out.append(item)
    return out


@router.post(
    "/staff/opinions/{opinion_id}/moderation",
    auth=BearerToken(),
    response={200: StaffOpinionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="【職員】公開・非公開（理由）・元に戻す",
)
def moderate(request: HttpRequest, opinion_id: int, payload: ModerationIn) -> Any:
    opinion = Opinion.objects.filter(pk=opinion_id).first()
    if opinion is None:
        return _error(NotFound("意見が見つかりません。", field="opinion_id"))
    try:
        opinion = services.moderate(request.auth, opinion, payload.action, payload.reason)  # type: ignore[attr-defined]
    except MachikoeError as exc:
        return _error(exc)
    item = _opinion_out(opinion)
    item.update(
        text=opinion.masked_body,
        receipt_number=opinion.receipt_number,
        status=opinion.status,
        hidden_reason=opinion.hidden_reason,
        masked_spans=opinion.masked_spans,
        reports=opinion.reports.filter(resolved=False).count(),
    )
    return item


@router.get(
    "/staff/opinions/{opinion_id}/original",
    auth=BearerToken(),
    response={200: OriginalOut, 403: ErrorOut, 404: ErrorOut},
    summary="【職員・権限者】原文（閲覧は監査ログに記録）",
)
def original(request: HttpRequest, opinion_id: int) -> Any:
    opinion = Opinion.objects.filter(pk=opinion_id).first()
    if opinion is None:
        return _error(NotFound("意見が見つかりません。", field="opinion_id"))
    try:
        body = services.read_original(request.auth, opinion, purpose="api")  # type: ignore[attr-defined]
    except NotAllowed as exc:
        return _error(exc)
    return {"id": opinion.pk, "body": body}
