"""Who is voting: a signed participant cookie per conversation, or the signed-in resident."""

from __future__ import annotations

from django.core import signing
from django.http import HttpRequest, HttpResponse

from machikoe.deliberation import services
from machikoe.deliberation.models import Conversation, Participant

SALT = "machikoe.deliberation.participant"
MAX_AGE = 365 * 24 * 3600


def cookie_name(conversation: Conversation) -> str:
    return f"mk_delib_{conversation.pk}"


def _cookie_id(request: HttpRequest, conversation: Conversation) -> int | None:
    try:
        value = request.get_signed_cookie(
            cookie_name(conversation), salt=f"{SALT}.{conversation.pk}", max_age=MAX_AGE
        )
    except (KeyError, signing.BadSignature):
        return None
    return int(value) if value and value.isdigit() else None


def current_participant(
    request: HttpRequest, conversation: Conversation, *, create: bool = False
) -> Participant | None:
    """The request's participant; with `create`, a new anonymous one if there is none."""
    user = request.user if request.user.is_authenticated else None
    pid = _cookie_id(request, conversation)
    if user is None and pid is None and not create:
        return None
    return services.participant_for(conversation, user=user, participant_id=pid, create=create)


def remember(response: HttpResponse, conversation: Conversation, participant: Participant) -> None:
    """Set the signed cookie (anonymous participants only need it, but it does no harm)."""
    from django.conf import settings

    response.set_signed_cookie(
        cookie_name(conversation),
        str(participant.pk),
        salt=f"{SALT}.{conversation.pk}",
        max_age=MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )
