"""JSON API for deliberation (mounted at /api/deliberation/).

Participants are identified by a signed token (`participant_token` in the vote answer),
sent back in the `X-Participant` header; signed-in residents are recognised by their
session. Errors are JSON {"code", "message", "field"} naming the field at fault.
"""

from __future__ import annotations

import time
from typing import Any

from django.core import signing
from django.db import IntegrityError, connection
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from machikoe.core.errors import MachikoeError, NotAllowed
from machikoe.deliberation import limits, selectors, services
from machikoe.deliberation.models import Conversation, Participant

router = Router(tags=["deliberation"])
TOKEN_SALT = "machikoe.deliberation.api-participant"
HEADER = "HTTP_X_PARTICIPANT"


class ErrorOut(Schema):
    code: str
    message: str
    field: str | None = None


class ConversationOut(Schema):
    slug: str
    title: str
    question: str
    description: str
    is_open: bool
    allow_statements: bool
    section_code: str
    consultation: str | None
    n_statements: int


class StatementOut(Schema):
    number: int
    text: str


class NextOut(Schema):
    statement: StatementOut | None
    voted: int
    total: int


class VoteIn(Schema):
    statement: int
    vote: int


class VoteOut(Schema):
    statement: int
    vote: int
    changed: bool
    participant_token: str


def _token(conversation: Conversation, participant: Participant) -> str:
    return signing.dumps({"c": conversation.pk, "p": participant.pk}, salt=TOKEN_SALT)


def _participant(
    request: HttpRequest, conversation: Conversation, *, create: bool
) -> Participant | None:
    raw = request.META.get(HEADER, "")
    pid: int | None = None
    if raw:
        try:
            data = signing.loads(raw, salt=TOKEN_SALT)
        except signing.BadSignature:
            raise NotAllowed("参加者トークンが正しくありません。", field="X-Participant") from None
        if data.get("c") != conversation.pk:
            raise NotAllowed("別の熟議の参加者トークンです。", field="X-Participant")
        pid = int(data["p"])
    user = request.user if request.user.is_authenticated else None
    if user is None and pid is None and not create:
        return None
    if user is None and pid is not None:
        # The signature proves this server issued the id for this conversation: no query.
        return Participant(pk=pid, conversation=conversation)
    return services.participant_for(conversation, user=user, participant_id=pid, create=create)


_VOTING_LOOKUP_SECONDS = 5.0
_voting_lookups: dict[str, tuple[float, Conversation]] = {}


def _conversation_for_voting(slug: str) -> Conversation:
    """The conversation for the vote endpoint, remembered for a few seconds per process on
    PostgreSQL, where the vote statement itself re-checks that the conversation is open.
    Saves a round trip on the hottest write (see benchmarks/deliberation_votes_load.py)."""
    if connection.vendor != "postgresql":
        return get_object_or_404(Conversation, slug=slug)
    now = time.monotonic()
    cached = _voting_lookups.get(slug)
    if cached is not None and cached[0] > now:
        return cached[1]
    conversation = get_object_or_404(Conversation, slug=slug)
    if len(_voting_lookups) > 1000:
        _voting_lookups.clear()
    _voting_lookups[slug] = (now + _VOTING_LOOKUP_SECONDS, conversation)
    return conversation


@receiver(post_save, sender=Conversation)
@receiver(post_delete, sender=Conversation)
def _forget_voting_lookups(**_kwargs: Any) -> None:
    _voting_lookups.clear()


def _error(exc: MachikoeError) -> Status[dict[str, Any]]:
    status = {"forbidden": 403, "rate_limited": 429}.get(exc.code, 400)
    return Status(status, exc.to_dict())


@router.get("/conversations/{slug}", response={200: ConversationOut, 404: ErrorOut})
def get_conversation(request: HttpRequest, slug: str) -> Any:
    conv = get_object_or_404(Conversation.objects.select_related("consultation"), slug=slug)
    return {
        "slug": conv.slug,
        "title": conv.title,
        "question": conv.question,
        "description": conv.description,
        "is_open": conv.is_open,
        "allow_statements": conv.allow_statements,
        "section_code": conv.section_code,
        "consultation": conv.consultation.slug if conv.consultation else None,
        "n_statements": selectors.published_statements(conv).count(),
    }


@router.get("/conversations/{slug}/next", response={200: NextOut, 403: ErrorOut})
def next_statement(request: HttpRequest, slug: str) -> Any:
    conv = get_object_or_404(Conversation, slug=slug)
    try:
        participant = _participant(request, conv, create=False)
    except MachikoeError as exc:
        return _error(exc)
    st = selectors.next_statement(conv, participant)
    voted, total = selectors.progress(conv, participant)
    return {
        "statement": {"number": st.number, "text": st.masked_text} if st else None,
        "voted": voted,
        "total": total,
    }


@router.post(
    "/conversations/{slug}/votes",
    response={200: VoteOut, 400: ErrorOut, 403: ErrorOut, 429: ErrorOut},
)
def vote(request: HttpRequest, slug: str, payload: VoteIn) -> Any:
    conv = _conversation_for_voting(slug)
    try:
        participant = _participant(request, conv, create=True)
        assert participant is not None
        limits.check(request, "vote", f"p{participant.pk}")
        latest, changed = services.cast_vote(conv, participant, payload.statement, payload.vote)
    except MachikoeError as exc:
        return _error(exc)
    except IntegrityError:  # a signed token for a participant since removed
        return _error(NotAllowed("参加者が見つかりません。", field="X-Participant"))
    # An anonymous participant who came with a valid token (checked in _participant) keeps
    # it: no need to sign a new one on every vote.
    sent = request.META.get(HEADER, "")
    token = sent if sent and not request.user.is_authenticated else _token(conv, participant)
    return {
        "statement": payload.statement,
        "vote": latest.value,
        "changed": changed,
        "participant_token": token,
    }


@router.get("/conversations/{slug}/results", response={200: dict[str, Any], 403: ErrorOut})
def results(request: HttpRequest, slug: str) -> Any:
    conv = get_object_or_404(Conversation, slug=slug)
    try:
        participant = _participant(request, conv, create=False)
    except MachikoeError as exc:
        return _error(exc)
    return selectors.results_view(conv, services.analysis_for(conv), participant)
