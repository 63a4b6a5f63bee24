"""Ballot-stuffing protection: rate limits per participant and per client (django-ratelimit).

Counters live in Django's cache (shared between server processes: the database cache or
Redis). Rates can be changed with environment variables, e.g. for the load benchmark:
MACHIKOE_DELIB_VOTE_RATE (per participant, default 60/m), MACHIKOE_DELIB_CLIENT_RATE (per
client address, default 600/m), MACHIKOE_DELIB_STATEMENT_RATE (per participant, 10/h).
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
import time

import redis
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
    windows = [
        (f"delib-{action}-p", participant_key, per_participant),
        (f"delib-{action}-c", client_key(request), per_client),
    ]
    redis_client = _redis()
    if redis_client is not None:
        limited = _over_limit_in_redis(redis_client, windows)
    else:
        limited = False
        for group, ident, rate in windows:
            limited = (
                is_ratelimited(
                    request,
                    group=group,
                    key=lambda _g, _r, ident=ident: ident,  # type: ignore[misc]
                    rate=rate,
                    increment=True,
                )
                or limited
            )
    if limited:
        raise RateLimited(
            "短い時間に多くの送信がありました。しばらく待ってからもう一度お試しください。",
            field="vote" if action == "vote" else "text",
        )


_RATE = re.compile(r"^\s*(\d+)\s*/\s*(\d*)\s*([smhd])\s*$")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str) -> tuple[int, int]:
    """ "60/m" → (60, 60); "100/5m" → (100, 300): (allowed count, window in seconds)."""
    match = _RATE.match(rate)
    if match is None:
        raise ValueError(f"rate limit not understood: {rate!r} (e.g. 60/m, 100/5m)")
    count, multiplier, unit = match.groups()
    return int(count), int(multiplier or 1) * _UNIT_SECONDS[unit]


@functools.cache
def _redis() -> redis.Redis | None:
    """A client for REDIS_URL (the same server as the shared cache), or None without it."""
    url = os.environ.get("REDIS_URL")
    return redis.Redis.from_url(url) if url else None


def _over_limit_in_redis(client: redis.Redis, windows: list[tuple[str, str, str]]) -> bool:
    """Count every window in ONE pipelined round trip (INCR, then EXPIRE NX per fixed
    window), instead of the 3 round trips per window through Django's cache API: votes are
    the hottest write of a deliberation and round trips, not CPU, bound their rate."""
    now = int(time.time())
    pipe = client.pipeline(transaction=False)
    limits = []
    for group, ident, rate in windows:
        allowed, seconds = parse_rate(rate)
        window = now // seconds
        key = f"machikoe:rl:{group}:{ident}:{window}"
        pipe.incr(key)
        pipe.expire(key, seconds + 5, nx=True)
        limits.append(allowed)
    try:
        replies = pipe.execute()
    except redis.RedisError:
        # The limiter must never lose a vote: if Redis is down, count nothing and accept.
        return False
    counts = replies[0::2]
    return any(int(count) > allowed for count, allowed in zip(counts, limits, strict=True))
