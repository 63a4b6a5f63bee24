"""Writes for conversations: participants, statements, votes, moderation, analysis, Polis files.

Every staff write is audited inside its transaction. Votes keep their whole history
(`VoteEvent`) and the latest vote (`Vote`, one per participant and statement).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, connection, transaction
from django.db.models import Max
from django.utils import timezone

from machikoe.core import audit
from machikoe.core.errors import ImportFailed, NotAllowed, ValidationFailed
from machikoe.deliberation.models import (
    AnalysisCache,
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
    VoteValue,
)

Actor = AbstractBaseUser | AnonymousUser | None
MAX_STATEMENT_LENGTH = 300
#: Do not recompute a conversation's groups more often than this (seconds).
RECOMPUTE_INTERVAL = 5.0


def _user(actor: Actor) -> Any:
    """The signed-in user behind an actor, or None."""
    return actor if getattr(actor, "is_authenticated", False) else None


def _mask(text: str) -> str:
    """Mask personal data (imported lazily: the text library loads dictionaries)."""
    from machikoe.analysis.text.pii import mask_pii

    return mask_pii(text).masked


def create_conversation(actor: Actor, **fields: Any) -> Conversation:
    """Open a conversation (staff)."""
    with transaction.atomic():
        conversation = Conversation.objects.create(created_by=_user(actor), **fields)
        audit.record(
            actor,
            "deliberation.conversation.create",
            conversation,
            after=audit.snapshot(conversation),
        )
    return conversation


def _next_number(conversation: Conversation) -> int:
    top = conversation.statements.aggregate(m=Max("number"))["m"]
    return 0 if top is None else top + 1


def add_seed_statement(
    conversation: Conversation, actor: Actor, text: str, *, is_meta: bool = False
) -> Statement:
    """A statement written by staff: published at once (it is still masked)."""
    text = _clean_text(text)
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        statement = Statement.objects.create(
            conversation=conversation,
            number=_next_number(conversation),
            text=text,
            masked_text=_mask(text),
            is_seed=True,
            is_meta=is_meta,
            status=Statement.Status.APPROVED,
            created_at=timezone.now(),
        )
        audit.record(
            actor, "deliberation.statement.seed", statement, after=audit.snapshot(statement)
        )
    return statement


def _clean_text(text: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationFailed("意見を入力してください。", field="text")
    if len(text) > MAX_STATEMENT_LENGTH:
        raise ValidationFailed(
            f"意見は {MAX_STATEMENT_LENGTH} 文字以内で書いてください。", field="text"
        )
    return text


def submit_statement(conversation: Conversation, participant: Participant, text: str) -> Statement:
    """A participant's statement: masked, then waits for moderation before anyone votes on it."""
    if not conversation.is_open or not conversation.allow_statements:
        raise NotAllowed("この熟議では意見を受け付けていません。", field="text")
    text = _clean_text(text)
    masked = _mask(text)
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).first()
        return Statement.objects.create(
            conversation=conversation,
            number=_next_number(conversation),
            text=text,
            masked_text=masked,
            author=participant,
            status=Statement.Status.PENDING,
            created_at=timezone.now(),
        )


def moderate_statement(
    statement: Statement, actor: Actor, status: int, *, is_meta: bool | None = None
) -> Statement:
    """Publish (1), hold (0) or reject (-1) a statement; staff only, audited."""
    if status not in Statement.Status.values:
        raise ValidationFailed("状態は 1・0・-1 のいずれかです。", field="status")
    with transaction.atomic():
        before = audit.snapshot(statement)
        statement.status = status
        if is_meta is not None:
            statement.is_meta = is_meta
        statement.save(update_fields=["status", "is_meta"])
        audit.record(
            actor,
            "deliberation.statement.moderate",
            statement,
            before=before,
            after=audit.snapshot(statement),
        )
    AnalysisCache.objects.filter(conversation_id=statement.conversation_id).update(last_event_id=-1)
    return statement


def participant_for(
    conversation: Conversation,
    *,
    user: Actor = None,
    participant_id: int | None = None,
    create: bool = True,
) -> Participant | None:
    """The participant behind a request: the signed-in resident, or the id from the signed
    cookie (checked to belong to this conversation), or a new anonymous participant."""
    signed_in = _user(user)
    if signed_in is not None:
        found = Participant.objects.filter(conversation=conversation, user=signed_in).first()
        if found or not create:
            return found
        try:
            with transaction.atomic():
                return Participant.objects.create(conversation=conversation, user=signed_in)
        except IntegrityError:
            return Participant.objects.get(conversation=conversation, user=signed_in)
    if participant_id is not None:
        found = Participant.objects.filter(conversation=conversation, pk=participant_id).first()
        if found:
            return found
    return Participant.objects.create(conversation=conversation) if create else None


def set_attributes(
    participant: Participant, *, age_band: str = "", district: str = ""
) -> Participant:
    """Optional attributes (年代・地域); unknown values are refused."""
    from machikoe.participation.models import AgeBand, District

    if age_band and age_band not in AgeBand.values:
        raise ValidationFailed("年代の値が正しくありません。", field="age_band")
    if district and district not in District.values:
        raise ValidationFailed("地域の値が正しくありません。", field="district")
    participant.age_band = age_band
    participant.district = district
    participant.save(update_fields=["age_band", "district"])
    return participant


def cast_vote(
    conversation: Conversation,
    participant: Participant,
    statement_number: int,
    value: int,
    *,
    at: datetime | None = None,
) -> tuple[Vote, bool]:
    """Record a vote; returns (latest vote, changed). The latest vote counts.

    Refused: a closed conversation, a value other than 1/-1/0, a statement that does not
    exist, is not published or was moderated out. Repeating the same vote changes nothing;
    a different vote replaces the old one, and both stay in the history.
    """
    if connection.vendor != "postgresql" and not conversation.is_open:
        raise NotAllowed(CLOSED_MESSAGE, field="vote")
    if value not in VoteValue.values:
        raise ValidationFailed(
            "投票は 1（賛成）・-1（反対）・0（パス）のいずれかです。", field="vote"
        )
    if participant.conversation_id != conversation.pk:
        raise NotAllowed("この熟議の参加者ではありません。", field="participant")
    now = at or timezone.now()
    if connection.vendor == "postgresql":
        return _cast_vote_in_one_statement(conversation, participant, statement_number, value, now)
    found = (
        Statement.objects.filter(conversation_id=conversation.pk, number=statement_number)
        .values_list("id", "status")
        .first()
    )
    if found is None:
        raise ValidationFailed("その意見はありません。", field="statement")
    if found[1] != Statement.Status.APPROVED:
        raise ValidationFailed(
            "その意見には投票できません（非公開または確認待ちです）。", field="statement"
        )
    statement = Statement(
        pk=found[0], conversation=conversation, number=statement_number, status=found[1]
    )
    with transaction.atomic():
        existing = (
            Vote.objects.select_for_update()
            .filter(participant_id=participant.pk, statement_id=statement.pk)
            .first()
        )
        if existing is not None and existing.value == value:
            return existing, False
        if existing is None:
            # INSERT … ON CONFLICT DO UPDATE: a concurrent first vote on the same pair
            # cannot fail, and no savepoint is needed.
            vote = Vote(
                conversation=conversation,
                participant=participant,
                statement=statement,
                value=value,
                voted_at=now,
            )
            Vote.objects.bulk_create(
                [vote],
                update_conflicts=True,
                unique_fields=["participant", "statement"],
                update_fields=["value", "voted_at"],
            )
        else:
            existing.value, existing.voted_at = value, now
            existing.save(update_fields=["value", "voted_at"])
            vote = existing
        VoteEvent.objects.create(
            conversation=conversation,
            participant=participant,
            statement=statement,
            value=value,
            voted_at=now,
        )
    return vote, True


CLOSED_MESSAGE = "この熟議の投票は終了しました。"

# The conversation's openness is read in the same statement, so a vote can never slip in
# after closing even when the caller's Conversation object is a few seconds old.
_VOTE_SQL = f"""
WITH open_conversation AS (
    SELECT id FROM {Conversation._meta.db_table} WHERE id = %(conversation)s AND is_open
),
target AS (
    SELECT s.id, s.status FROM {Statement._meta.db_table} s
    JOIN open_conversation c ON c.id = s.conversation_id
    WHERE s.number = %(number)s
),
latest AS (
    INSERT INTO {Vote._meta.db_table}
        (conversation_id, participant_id, statement_id, value, voted_at)
    SELECT %(conversation)s, %(participant)s, target.id, %(value)s, %(at)s
    FROM target WHERE target.status = %(approved)s
    ON CONFLICT (participant_id, statement_id) DO UPDATE
        SET value = EXCLUDED.value, voted_at = EXCLUDED.voted_at
        WHERE {Vote._meta.db_table}.value <> EXCLUDED.value
    RETURNING id, statement_id
),
history AS (
    INSERT INTO {VoteEvent._meta.db_table}
        (conversation_id, participant_id, statement_id, value, voted_at)
    SELECT %(conversation)s, %(participant)s, latest.statement_id, %(value)s, %(at)s
    FROM latest
    RETURNING id
)
SELECT (SELECT count(*) FROM open_conversation), (SELECT status FROM target),
       (SELECT id FROM latest), (SELECT id FROM target), (SELECT count(*) FROM history)
"""


def _cast_vote_in_one_statement(
    conversation: Conversation,
    participant: Participant,
    statement_number: int,
    value: int,
    now: datetime,
) -> tuple[Vote, bool]:
    """PostgreSQL: check the statement, upsert the latest vote and add the history event in
    one statement (one round trip, its own transaction in autocommit), so votes scale with
    the number of clients rather than with round trips. Same rules as `cast_vote`."""
    params: dict[str, Any] = {
        "conversation": conversation.pk,
        "participant": participant.pk,
        "number": statement_number,
        "value": value,
        "at": now,
        "approved": Statement.Status.APPROVED,
    }
    # A single statement is atomic on its own: no BEGIN/COMMIT round trips around it.
    with connection.cursor() as cursor:
        cursor.execute(_VOTE_SQL, params)
        is_open, status, vote_id, statement_id, _events = cursor.fetchone()
    if not is_open:
        raise NotAllowed(CLOSED_MESSAGE, field="vote")
    if status is None:
        raise ValidationFailed("その意見はありません。", field="statement")
    if status != Statement.Status.APPROVED:
        raise ValidationFailed(
            "その意見には投票できません（非公開または確認待ちです）。", field="statement"
        )
    if vote_id is None:  # the same vote again: nothing changed
        existing = Vote.objects.get(participant_id=participant.pk, statement_id=statement_id)
        return existing, False
    vote = Vote(
        pk=vote_id,
        conversation_id=conversation.pk,
        participant_id=participant.pk,
        statement_id=statement_id,
        value=value,
        voted_at=now,
    )
    return vote, True


# -- analysis ---------------------------------------------------------------------------


def analysis_for(conversation: Conversation, *, force: bool = False) -> dict[str, Any]:
    """The conversation's result, recomputed when new votes arrived (at most every
    RECOMPUTE_INTERVAL seconds unless forced), continuing from the stored model state."""
    from machikoe.deliberation import analysis

    cache = AnalysisCache.objects.filter(conversation=conversation).first()
    last_event = (
        VoteEvent.objects.filter(conversation=conversation).aggregate(m=Max("id"))["m"] or 0
    )
    if cache is not None and not force:
        fresh = cache.last_event_id == last_event
        recent = (timezone.now() - cache.computed_at).total_seconds() < RECOMPUTE_INTERVAL
        if fresh or (recent and cache.last_event_id >= 0):
            return cache.result
    started = time.perf_counter()
    result, state = analysis.compute(conversation, cache.state if cache else None)
    seconds = time.perf_counter() - started
    AnalysisCache.objects.update_or_create(
        conversation=conversation,
        defaults={
            "last_event_id": last_event,
            "computed_at": timezone.now(),
            "seconds": seconds,
            "result": result,
            "state": state,
        },
    )
    return result


# -- Polis import / export --------------------------------------------------------------


def import_polis(
    source: str | Path,
    actor: Actor,
    *,
    conversation: Conversation | None = None,
    slug: str = "",
    title: str = "",
    question: str = "",
    replay_history: bool = True,
) -> Conversation:
    """Import a Polis export (folder or zip) into a new or an empty conversation, atomically.

    A malformed file raises ImportFailed naming the file and line; nothing is written.
    """
    from machikoe.analysis.deliberation.polis_io import PolisFormatError, read_export

    try:
        export = read_export(source)
    except PolisFormatError as exc:
        raise ImportFailed(exc.reason, file=exc.file, row=exc.line, column=exc.column) from exc
    with transaction.atomic():
        if conversation is None:
            if not slug:
                raise ValidationFailed("識別子を指定してください。", field="slug")
            if Conversation.objects.filter(slug=slug).exists():
                raise ValidationFailed("その識別子は使われています。", field="slug")
            conversation = Conversation.objects.create(
                slug=slug,
                title=title or slug,
                question=question or title or slug,
                created_by=_user(actor),
            )
        elif conversation.statements.exists():
            raise ValidationFailed("意見のある熟議には取り込めません。", field="conversation")
        authors = {c.author for c in export.comments if c.author is not None}
        voters = {v.voter for v in export.votes}
        people = {
            pid: Participant(conversation=conversation, external_id=str(pid))
            for pid in sorted(authors | voters | set(export.groups))
        }
        Participant.objects.bulk_create(people.values())
        saved_people = {
            int(p.external_id): p for p in Participant.objects.filter(conversation=conversation)
        }
        statements = [
            Statement(
                conversation=conversation,
                number=c.id,
                text=c.text,
                masked_text=_mask(c.text),
                author=saved_people.get(c.author) if c.author is not None else None,
                is_seed=c.author is None,
                is_meta=c.is_meta,
                status=c.moderated,
                created_at=datetime.fromtimestamp(c.timestamp, UTC),
            )
            for c in export.comments
        ]
        Statement.objects.bulk_create(statements, batch_size=500)
        by_number = {s.number: s for s in Statement.objects.filter(conversation=conversation)}
        events = [
            VoteEvent(
                conversation=conversation,
                participant=saved_people[v.voter],
                statement=by_number[v.comment],
                value=v.vote,
                voted_at=datetime.fromtimestamp(v.timestamp, UTC),
            )
            for v in sorted(export.votes, key=lambda v: v.timestamp)
        ]
        VoteEvent.objects.bulk_create(events, batch_size=2000)
        latest: dict[tuple[int, int], VoteEvent] = {}
        for e in events:
            latest[(e.participant.pk, e.statement.pk)] = e
        Vote.objects.bulk_create(
            [
                Vote(
                    conversation=conversation,
                    participant=e.participant,
                    statement=e.statement,
                    value=e.value,
                    voted_at=e.voted_at,
                )
                for e in latest.values()
            ],
            batch_size=2000,
        )
        audit.record(
            actor,
            "deliberation.import_polis",
            conversation,
            after={"comments": len(statements), "votes": len(events)},
        )
    if replay_history:
        from machikoe.deliberation import analysis

        analysis.replay_into_cache(conversation)
    return conversation


def export_polis(conversation: Conversation, folder: Path, actor: Actor) -> Path:
    """Write the conversation in Polis' export format (masked statement texts only)."""
    from machikoe.analysis.deliberation.polis_io import PolisComment, PolisVote, write_export

    people = {p.pk: p for p in conversation.participants.all()}

    def pid(pk: int) -> int:
        p = people[pk]
        return int(p.external_id) if p.external_id.isdigit() else p.pk

    comments = [
        PolisComment(
            s.number,
            pid(s.author_id) if s.author_id else None,
            s.masked_text,
            int(s.status),
            s.created_at.timestamp(),
            s.is_meta,
        )
        for s in conversation.statements.all()
    ]
    numbers = dict(conversation.statements.values_list("pk", "number"))
    votes = [
        PolisVote(pid(p), numbers[s], v, t.timestamp())
        for p, s, v, t in VoteEvent.objects.filter(conversation=conversation)
        .order_by("voted_at", "id")
        .values_list("participant_id", "statement_id", "value", "voted_at")
    ]
    result = analysis_for(conversation)
    external = {str(p.pk): pid(p.pk) for p in people.values()}
    polis_groups = {
        external[str(k)]: g
        for k, g in (result.get("participants") or {}).items()
        if str(k) in external
    }
    write_export(folder, comments, votes, polis_groups)
    audit.record(actor, "deliberation.export_polis", conversation, note=str(folder))
    return folder


def delete_votes_of(participants: Iterable[Participant]) -> None:  # pragma: no cover - admin aid
    """Remove participants' votes (e.g. proven ballot stuffing)."""
    ids = [p.pk for p in participants]
    Vote.objects.filter(participant_id__in=ids).delete()
    VoteEvent.objects.filter(participant_id__in=ids).delete()
