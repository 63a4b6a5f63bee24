"""Ballot-stuffing limits: the rate syntax, and the pipelined Redis counter used in production."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import redis
from django.test import Client

from machikoe.deliberation import limits
from machikoe.deliberation.models import Conversation

TEST_REDIS_URL = os.environ.get("MACHIKOE_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.mark.parametrize(
    ("rate", "expected"), [("60/m", (60, 60)), ("100/5m", (100, 300)), ("10/h", (10, 3600))]
)
def test_rates_are_read_as_count_and_window(rate: str, expected: tuple[int, int]) -> None:
    assert limits.parse_rate(rate) == expected


def test_a_rate_that_is_not_understood_is_refused() -> None:
    with pytest.raises(ValueError, match="not understood"):
        limits.parse_rate("sixty a minute")


@pytest.fixture
def test_redis(monkeypatch: pytest.MonkeyPatch) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(TEST_REDIS_URL)
    client.flushdb()
    monkeypatch.setenv("REDIS_URL", TEST_REDIS_URL)
    limits._redis.cache_clear()
    yield client
    client.flushdb()
    limits._redis.cache_clear()


def test_redis_counter_limits_each_window_separately(test_redis: redis.Redis) -> None:
    windows = [("delib-vote-p", "p1", "2/m"), ("delib-vote-c", "client", "100/m")]
    results = [limits._over_limit_in_redis(test_redis, windows) for _ in range(3)]
    assert results == [False, False, True]
    other_participant = [("delib-vote-p", "p2", "2/m"), ("delib-vote-c", "client", "100/m")]
    assert limits._over_limit_in_redis(test_redis, other_participant) is False
    assert all(0 < test_redis.ttl(key) <= 65 for key in test_redis.keys("machikoe:rl:*"))


@pytest.mark.django_db
def test_votes_through_the_api_are_limited_with_redis(
    client: Client,
    conversation: Conversation,
    test_redis: redis.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MACHIKOE_DELIB_VOTE_RATE", "3/m")
    base = "/api/deliberation/conversations/test-conv/votes"
    token = client.post(base, {"statement": 0, "vote": 1}, content_type="application/json").json()[
        "participant_token"
    ]
    codes = [
        client.post(
            base,
            {"statement": 1, "vote": v},
            content_type="application/json",
            HTTP_X_PARTICIPANT=token,
        ).status_code
        for v in (1, -1, 1)
    ]
    assert codes == [200, 200, 429]
    assert test_redis.keys("machikoe:rl:delib-vote-p:*")
