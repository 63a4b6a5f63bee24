"""Ballot-stuffing protection: rate limits per participant and per client (django-ratelimit).

Counters live in Django's cache (shared between server processes: the database cache or
Redis). Rates can be changed with environment variables, e.g. for the load benchmark:
MACHIKOE_DELIB_VOTE_RATE (per participant, default 60/m), MACHIKOE_DELIB_CLIENT_RATE (per
client address, default 600/m), MACHIKOE_DELIB_STATEMENT_RATE (per participant, 10/h).
"""

from __future__ import annotations

import hashlib
import os

from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from machikoe.core.errors import MachikoeError


class RateLimited(MachikoeError):
    code = "rate_limited"


def _rate(name: str, default: str) -> str:
    return os.environ.get(name, default)


def client_key(request: HttpRequest) -> str:
    """A hash of the client address (REMOTE_ADDR; the proxy sets it in production)."""
    addr = request.META.get("REMOTE_ADDR", "") or "unknown"
    return hashlib.sha256(addr.encode()).hexdigest()[:32]


def check(request: HttpRequest, action: str, participant_key: str) -> None:
    """Count one `action` ("vote" or "statement") and raise RateLimited over the limit."""
    if action == "vote":
        per_participant = _rate("MACHIKOE_DELIB_VOTE_RATE", "60/m")
    else:
        per_participant = _rate("MACHIKOE_DELIB_STATEMENT_RATE", "10/h")
    per_client = _rate("MACHIKOE_DELIB_CLIENT_RATE", "600/m")
    limited = is_ratelimited(
        request,
        group=f"delib-{action}-p",
        key=lambda _g, _r: participant_key,
        rate=per_participant,
        increment=True,
    )
    limited = (
        is_ratelimited(
            request,
            group=f"delib-{action}-c",
            key=lambda _g, r: client_key(r),
            rate=per_client,
            increment=True,
        )
        or limited
    )
    if limited:
        raise RateLimited(
            "短い時間に多くの送信がありました。しばらく待ってからもう一度お試しください。",
            field="vote" if action == "vote" else "text",
        )
