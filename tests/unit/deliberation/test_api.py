"""The JSON API: conversation, next statement, vote, results; errors name the field."""

from __future__ import annotations

import pytest
from django.test import Client

from machikoe.deliberation.models import Conversation, Vote

pytestmark = pytest.mark.django_db
BASE = "/api/deliberation/conversations"


def test_get_conversation(client: Client, conversation: Conversation) -> None:
    data = client.get(f"{BASE}/test-conv").json()
    assert data["title"] == "テストの熟議" and data["n_statements"] == 3
    assert client.get(f"{BASE}/nope").status_code == 404


def test_vote_flow_with_participant_token(client: Client, conversation: Conversation) -> None:
    nxt = client.get(f"{BASE}/test-conv/next").json()
    assert nxt["statement"]["number"] == 0 and nxt["voted"] == 0
    r = client.post(
        f"{BASE}/test-conv/votes", {"statement": 0, "vote": 1}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    token = r.json()["participant_token"]
    nxt = client.get(f"{BASE}/test-conv/next", HTTP_X_PARTICIPANT=token).json()
    assert nxt["voted"] == 1 and nxt["statement"]["number"] == 1
    again = client.post(
        f"{BASE}/test-conv/votes",
        {"statement": 0, "vote": -1},
        content_type="application/json",
        HTTP_X_PARTICIPANT=token,
    ).json()
    assert again["changed"] and again["vote"] == -1
    assert Vote.objects.count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"statement": 42, "vote": 1}, "statement"), ({"statement": 0, "vote": 3}, "vote")],
)
def test_bad_vote_is_a_json_error_with_field(
    client: Client, conversation: Conversation, payload: dict[str, int], field: str
) -> None:
    r = client.post(f"{BASE}/test-conv/votes", payload, content_type="application/json")
    assert r.status_code == 400
    assert r.json()["field"] == field and r.json()["message"]


def test_forged_token_is_refused(client: Client, conversation: Conversation) -> None:
    r = client.post(
        f"{BASE}/test-conv/votes",
        {"statement": 0, "vote": 1},
        content_type="application/json",
        HTTP_X_PARTICIPANT="forged:token",
    )
    assert r.status_code == 403 and r.json()["field"] == "X-Participant"


def test_missing_field_is_422_naming_it(client: Client, conversation: Conversation) -> None:
    r = client.post(f"{BASE}/test-conv/votes", {"statement": 0}, content_type="application/json")
    assert r.status_code == 422
    assert "vote" in str(r.json())


def test_ballot_stuffing_is_rate_limited(
    client: Client, conversation: Conversation, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MACHIKOE_DELIB_VOTE_RATE", "3/m")
    token = client.post(
        f"{BASE}/test-conv/votes", {"statement": 0, "vote": 1}, content_type="application/json"
    ).json()["participant_token"]
    codes = [
        client.post(
            f"{BASE}/test-conv/votes",
            {"statement": 1, "vote": v},
            content_type="application/json",
            HTTP_X_PARTICIPANT=token,
        ).status_code
        for v in (1, -1, 1, -1)
    ]
    assert codes[:2] == [200, 200] and codes[-1] == 429


def test_results_with_too_few_voters_explains_why(
    client: Client, conversation: Conversation
) -> None:
    client.post(
        f"{BASE}/test-conv/votes", {"statement": 0, "vote": 1}, content_type="application/json"
    )
    data = client.get(f"{BASE}/test-conv/results").json()
    assert data["groups"] == [] and "7 人以上" in data["message"]


def test_closing_a_conversation_stops_votes_at_once(
    client: Client, conversation: Conversation
) -> None:
    """The vote endpoint remembers conversations for a few seconds on PostgreSQL; closing
    must still take effect for the very next vote, also when the close is written behind
    the ORM's back (another server process, a bulk update)."""
    first = client.post(
        f"{BASE}/test-conv/votes", {"statement": 0, "vote": 1}, content_type="application/json"
    )
    assert first.status_code == 200
    Conversation.objects.filter(pk=conversation.pk).update(is_open=False)  # no signal
    token = first.json()["participant_token"]
    r = client.post(
        f"{BASE}/test-conv/votes",
        {"statement": 1, "vote": -1},
        content_type="application/json",
        HTTP_X_PARTICIPANT=token,
    )
    assert r.status_code == 403 and "終了" in r.json()["message"]
    assert Vote.objects.filter(conversation=conversation).count() == 1
