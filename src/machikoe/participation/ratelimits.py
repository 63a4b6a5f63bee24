"""Rate limits for submissions, per client and per consultation, with django-ratelimit.

The counters live in Django's default cache (Redis when REDIS_URL is set, the database cache
otherwise), so every server process shares them. Rates come from the environment:
MACHIKOE_RATE_PER_CLIENT (default 10/m), MACHIKOE_RATE_PER_CONSULTATION (default 600/m);
MACHIKOE_RATELIMIT_ENABLED=0 turns them off (load benchmarks only).
"""

from __future__ import annotations

import hashlib
import logging
import os

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited

from machikoe.core.errors import MachikoeError

logger = logging.getLogger(__name__)


class RateLimited(MachikoeError):
    code = "rate_limited"


def enabled() -> bool:
    return os.environ.get("MACHIKOE_RATELIMIT_ENABLED", "1").strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }


def client_key(request: HttpRequest) -> str:
    """A salted hash of the client's address and browser: identifies repeats, not people."""
    address = request.META.get("REMOTE_ADDR", "")
    agent = request.META.get("HTTP_USER_AGENT", "")[:200]
    raw = f"{settings.SECRET_KEY}|{address}|{agent}".encode()
    return hashlib.sha256(raw).hexdigest()[:32]


def check(request: HttpRequest, consultation_slug: str) -> None:
    """Raise RateLimited when this client or this consultation sent too much just now."""
    if not enabled():
        return
    try:
        _check(request, consultation_slug)
    except RateLimited:
        raise
    except Exception:  # the cache is down: accept rather than lose the opinion
        logger.exception("rate-limit cache unavailable; submission accepted without a limit")


def _check(request: HttpRequest, consultation_slug: str) -> None:
    key = client_key(request)
    per_client = os.environ.get("MACHIKOE_RATE_PER_CLIENT", "10/m")
    per_consultation = os.environ.get("MACHIKOE_RATE_PER_CONSULTATION", "600/m")
    if is_ratelimited(
        request,
        group="participation.client",
        key=lambda _g, _r: f"{consultation_slug}:{key}",
        rate=per_client,
        increment=True,
    ):
        raise RateLimited(
            "短い時間に多くの送信がありました。しばらく待ってから、もう一度送ってください。"
        )
    if is_ratelimited(
        request,
        group="participation.consultation",
        key=lambda _g, _r: consultation_slug,
        rate=per_consultation,
        increment=True,
    ):
        raise RateLimited(
            "ただいま送信が集中しています。少し時間をおいて、もう一度送ってください。"
        )
