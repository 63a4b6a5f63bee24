"""Glue between the database and `machikoe.analysis.deliberation` (the maths library)."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from django.db.models import Max
from django.utils import timezone

from machikoe.analysis.deliberation.model import (
    DeliberationResult,
    ModelState,
    OpinionGroups,
    replay,
)
from machikoe.analysis.deliberation.votes import VoteLog, build_matrix
from machikoe.deliberation.models import AnalysisCache, Conversation, Statement, Vote, VoteEvent


def excluded_numbers(conversation: Conversation) -> set[int]:
    """Statements left out of the maths: moderated out, or meta (attribute questions)."""
    return set(
        Statement.objects.filter(conversation=conversation)
        .exclude(status__gte=0, is_meta=False)
        .values_list("number", flat=True)
    )


def _log(rows: list[tuple[str, int, int, float]]) -> VoteLog:
    """A VoteLog from (participant pk, statement number, value, time) rows."""
    return VoteLog.from_events(rows)


def latest_log(conversation: Conversation) -> VoteLog:
    """The latest votes, participants in order of their first vote (as Polis orders rows)."""
    rows = (
        Vote.objects.filter(conversation=conversation)
        .order_by("participant_id")
        .values_list("participant_id", "statement__number", "value")
    )
    arr = np.array(list(rows), dtype=np.int64).reshape(-1, 3)
    return VoteLog.from_events((str(p), int(s), int(v), 0.0) for p, s, v in arr)


def compute(
    conversation: Conversation, state: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """One Polis update from the stored state; returns (result JSON, next state JSON)."""
    matrix = build_matrix(latest_log(conversation), excluded_numbers(conversation))
    model = OpinionGroups().fit(matrix, ModelState.from_dict(state) if state else None)
    return to_json(model.result_), model.state_.to_dict()


def replay_into_cache(conversation: Conversation, *, max_updates: int = 200) -> dict[str, Any]:
    """Rebuild the model state by replaying the vote history, and store the result."""
    events = VoteEvent.objects.filter(conversation=conversation).order_by("voted_at", "id")
    rows = [
        (str(p), int(n), int(v), t.timestamp())
        for p, n, v, t in events.values_list(
            "participant_id", "statement__number", "value", "voted_at"
        )
    ]
    started = time.perf_counter()
    if rows:
        model = replay(_log(rows), excluded=excluded_numbers(conversation), max_updates=max_updates)
        result, state = to_json(model.result_), model.state_.to_dict()
    else:
        model = OpinionGroups().fit(build_matrix(_log([])))
        result, state = to_json(model.result_), model.state_.to_dict()
    last = events.aggregate(m=Max("id"))["m"] or 0
    AnalysisCache.objects.update_or_create(
        conversation=conversation,
        defaults={
            "last_event_id": last,
            "computed_at": timezone.now(),
            "seconds": time.perf_counter() - started,
            "result": result,
            "state": state,
        },
    )
    return result


def to_json(result: DeliberationResult) -> dict[str, Any]:
    """The stored result: the library's JSON plus positions and per-group vote counts."""
    data = result.to_dict()
    data["positions"] = (
        [
            [str(p), round(float(x), 4), round(float(y), 4), result.group_of.get(p)]
            for p, (x, y) in zip(result.participants, result.positions.tolist(), strict=True)
        ]
        if len(result.participants)
        else []
    )
    data["group_votes"] = {
        str(g): {str(s): list(c) for s, c in counts.items()}
        for g, counts in result.group_agree.items()
    }
    return data
