"""Reads for conversations: lists, the next statement to vote on, results for display."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from machikoe.analysis.deliberation.model import MIN_VOTES
from machikoe.deliberation.models import Conversation, Participant, Statement, Vote

TOO_FEW_VOTERS = (
    "投票した人がまだ {n} 人です。{min} 人以上が投票すると、考え方の近いグループを表示します。"
)


def conversations() -> QuerySet[Conversation]:
    return Conversation.objects.annotate(
        n_statements=Count(
            "statements", filter=Q(statements__status=Statement.Status.APPROVED), distinct=True
        ),
        n_participants=Count("participants", distinct=True),
    ).select_related("consultation")


def published_statements(conversation: Conversation) -> QuerySet[Statement]:
    return conversation.statements.filter(status=Statement.Status.APPROVED).order_by("number")


def next_statement(conversation: Conversation, participant: Participant | None) -> Statement | None:
    """The published statement this participant has not voted on that has the fewest votes
    so far (so every statement gets seen), ties by number."""
    qs = published_statements(conversation)
    if participant is not None:
        qs = qs.exclude(votes__participant=participant)
    return qs.annotate(n=Count("votes")).order_by("n", "number").first()


def progress(conversation: Conversation, participant: Participant | None) -> tuple[int, int]:
    """(statements this participant voted on, published statements)."""
    total = published_statements(conversation).count()
    if participant is None:
        return 0, total
    voted = Vote.objects.filter(
        participant=participant, statement__status=Statement.Status.APPROVED
    ).count()
    return voted, total


def my_votes(participant: Participant | None) -> dict[int, int]:
    if participant is None:
        return {}
    return dict(
        Vote.objects.filter(participant=participant).values_list("statement__number", "value")
    )


def _share(counts: list[int] | None) -> dict[str, Any]:
    agree, disagree, seen = counts or [0, 0, 0]

    def pct(x: int) -> int:
        return round(100 * x / seen) if seen else 0

    return {
        "agree": pct(agree),
        "disagree": pct(disagree),
        "pass": pct(seen - agree - disagree) if seen else 0,
        "seen": seen,
    }


def results_view(
    conversation: Conversation, result: dict[str, Any], participant: Participant | None
) -> dict[str, Any]:
    """What the results page and the API show: groups with their representative statements
    (texts masked) and shares, consensus, divisive statements, the map, your position."""
    texts = dict(
        Statement.objects.filter(conversation=conversation).values_list("number", "masked_text")
    )
    group_votes: dict[str, dict[str, list[int]]] = result.get("group_votes") or {}
    n_voters = sum(1 for _ in result.get("participants") or {})
    groups = []
    for g in result.get("groups") or []:
        gid = str(g["id"])
        reps = []
        for m in g["representative"]:
            s = int(m["statement"])
            reps.append(
                {
                    "number": s,
                    "text": texts.get(s, ""),
                    "direction": m["direction"],
                    "share": _share(group_votes.get(gid, {}).get(str(s))),
                    "repness": m["repness"],
                    "repness_test": m["repness_test"],
                }
            )
        groups.append(
            {
                "id": g["id"],
                "label": _group_label(g["id"]),
                "members": g["members"],
                "representative": reps,
            }
        )

    def overall(items: list[dict[str, Any]], limit: int = 5) -> list[dict[str, Any]]:
        out = []
        for item in items[:limit]:
            s = int(item["statement"])
            out.append(
                {
                    "number": s,
                    "text": texts.get(s, ""),
                    "score": item.get("score", item.get("p_success")),
                    "groups": [
                        {"label": _group_label(int(gid)), **_share(votes.get(str(s)))}
                        for gid, votes in sorted(group_votes.items(), key=lambda kv: int(kv[0]))
                    ],
                }
            )
        return out

    consensus = (result.get("consensus") or {}).get("agree", [])
    positions = result.get("positions") or []
    own = None
    if participant is not None:
        key = str(participant.pk)
        for p, x, y, grp in positions:
            if p == key:
                own = {
                    "x": x,
                    "y": y,
                    "group": grp,
                    "label": _group_label(grp) if grp is not None else None,
                }
                break
    reason = result.get("reason")
    message = None
    if not groups:
        message = (
            TOO_FEW_VOTERS.format(n=n_voters, min=MIN_VOTES)
            if reason == "too_few_voters" or n_voters < MIN_VOTES
            else "まだグループを作れるほど意見が分かれていません。"
        )
    return {
        "n_participants": n_voters,
        "n_votes": result.get("n_votes", 0),
        "groups": groups,
        "consensus": overall(consensus),
        "consensus_disagree": overall((result.get("consensus") or {}).get("disagree", [])),
        "group_informed_consensus": overall(result.get("group_informed_consensus") or []),
        "divisive": overall([d for d in result.get("divisive") or [] if d["score"] > 0.2]),
        "map": {
            "points": [
                {"x": x, "y": y, "group": grp} for _p, x, y, grp in positions if grp is not None
            ],
            "groups": [{"id": g["id"], "label": g["label"]} for g in groups],
            "own": own,
        },
        "own": own,
        "message": message,
    }


def _group_label(gid: int | None) -> str:
    if gid is None:
        return ""
    letters = "ABCDEFGHIJ"
    return f"グループ{letters[gid] if gid < len(letters) else gid + 1}"
