"""Services: votes, statements, moderation, analysis cache, Polis import/export."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from machikoe.core.errors import ImportFailed, NotAllowed, ValidationFailed
from machikoe.core.models import AuditLog
from machikoe.deliberation import services
from machikoe.deliberation.models import (
    AnalysisCache,
    Conversation,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)

pytestmark = pytest.mark.django_db


def test_seed_statements_are_published_and_audited(conversation: Conversation) -> None:
    assert list(conversation.statements.values_list("number", "status")) == [(0, 1), (1, 1), (2, 1)]
    assert AuditLog.objects.filter(action="deliberation.statement.seed").count() == 3


def test_latest_vote_counts_and_history_is_kept(
    conversation: Conversation, participant: Participant
) -> None:
    services.cast_vote(conversation, participant, 0, 1)
    vote, changed = services.cast_vote(conversation, participant, 0, -1)
    assert changed and vote.value == -1
    assert Vote.objects.filter(participant=participant).count() == 1
    assert list(
        VoteEvent.objects.filter(participant=participant).values_list("value", flat=True)
    ) == [1, -1]


def test_repeated_identical_vote_changes_nothing(
    conversation: Conversation, participant: Participant
) -> None:
    services.cast_vote(conversation, participant, 1, 0)
    _vote, changed = services.cast_vote(conversation, participant, 1, 0)
    assert not changed
    assert VoteEvent.objects.filter(participant=participant).count() == 1


@pytest.mark.parametrize(("number", "value", "field"), [(99, 1, "statement"), (0, 2, "vote")])
def test_bad_votes_are_refused(
    conversation: Conversation, participant: Participant, number: int, value: int, field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        services.cast_vote(conversation, participant, number, value)
    assert err.value.field == field
    assert not Vote.objects.exists()


def test_vote_on_moderated_out_or_pending_statement_is_refused(
    conversation: Conversation, participant: Participant, staff: Any
) -> None:
    st = conversation.statements.get(number=2)
    services.moderate_statement(st, staff, -1)
    with pytest.raises(ValidationFailed):
        services.cast_vote(conversation, participant, 2, 1)
    pending = services.submit_statement(conversation, participant, "ベンチは日陰に置いてほしい。")
    with pytest.raises(ValidationFailed):
        services.cast_vote(conversation, participant, pending.number, 1)


def test_closed_conversation_refuses_votes(
    conversation: Conversation, participant: Participant
) -> None:
    conversation.is_open = False
    conversation.save()
    with pytest.raises(NotAllowed):
        services.cast_vote(conversation, participant, 0, 1)


def test_participant_statement_is_masked_and_pending(
    conversation: Conversation, participant: Participant
) -> None:
    st = services.submit_statement(
        conversation, participant, "連絡は 090-1234-5678 までください。公園を広げたい。"
    )
    assert st.status == Statement.Status.PENDING and st.number == 3
    assert "090-1234-5678" not in st.masked_text
    assert "090-1234-5678" in st.text
    with pytest.raises(ValidationFailed):
        services.submit_statement(conversation, participant, "   ")


def test_signed_in_resident_is_one_participant(
    conversation: Conversation, django_user_model: Any
) -> None:
    user = django_user_model.objects.create_user("kumin", password="pw-12345-long")
    a = services.participant_for(conversation, user=user)
    b = services.participant_for(conversation, user=user)
    assert a is not None and a == b


def _vote_two_camps(conversation: Conversation, n: int) -> None:
    for i in range(n):
        p = services.participant_for(conversation)
        assert p is not None
        camp = 1 if i % 2 else -1
        services.cast_vote(conversation, p, 0, camp)
        services.cast_vote(conversation, p, 1, -camp)
        services.cast_vote(conversation, p, 2, 1)


def test_fewer_than_seven_voters_gives_no_groups(conversation: Conversation) -> None:
    _vote_two_camps(conversation, 5)
    result = services.analysis_for(conversation)
    assert result["groups"] == [] and result["reason"] == "too_few_voters"


def test_analysis_groups_and_cache(conversation: Conversation, staff: Any) -> None:
    for text in ("a1", "a2", "a3", "a4"):
        services.add_seed_statement(conversation, staff, f"公園の案 {text}")
    for i in range(24):
        p = services.participant_for(conversation)
        assert p is not None
        camp = 1 if i % 2 else -1
        for n in range(7):
            services.cast_vote(conversation, p, n, camp if n % 2 else -camp)
    result = services.analysis_for(conversation)
    assert len(result["groups"]) == 2
    assert sorted(g["members"] for g in result["groups"]) == [12, 12]
    cache = AnalysisCache.objects.get(conversation=conversation)
    assert cache.last_event_id == VoteEvent.objects.latest("id").id
    assert services.analysis_for(conversation) == result  # served from the cache


def _write(folder: Path, comments: str, votes: str) -> Path:
    folder.mkdir()
    (folder / "comments.csv").write_text(comments, encoding="utf-8")
    (folder / "votes.csv").write_text(votes, encoding="utf-8")
    return folder


COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '1000,x,0,5,1,0,1,最初の意見\n1001,x,1,6,0,1,-1,外された意見\n1002,x,2,,0,0,1,"三つ目, の意見"\n'
)


def test_polis_import_export_round_trip(tmp_path: Path, staff: Any) -> None:
    votes = "timestamp,datetime,comment-id,voter-id,vote\n" + "".join(
        f"{2000 + i},x,{i % 3},{i // 3},{[1, -1, 0][i % 3]}\n" for i in range(30)
    )
    conv = services.import_polis(
        _write(tmp_path / "in", COMMENTS, votes), staff, slug="imported", title="取り込み"
    )
    assert conv.statements.count() == 3
    assert conv.statements.get(number=1).status == Statement.Status.REJECTED
    assert VoteEvent.objects.filter(conversation=conv).count() == 30
    assert (
        Participant.objects.filter(conversation=conv).count() == 10
    )  # voters 0-9 (authors 5 and 6 among them)
    out = services.export_polis(conv, tmp_path / "out", staff)
    from machikoe.analysis.deliberation.polis_io import read_export

    again = read_export(out)
    assert [c.text for c in again.comments] == ["最初の意見", "外された意見", "三つ目, の意見"]
    assert sorted((v.voter, v.comment, v.vote) for v in again.votes) == sorted(
        (i // 3, i % 3, [1, -1, 0][i % 3]) for i in range(30)
    )


def test_malformed_polis_export_names_file_and_line_and_imports_nothing(
    tmp_path: Path, staff: Any
) -> None:
    votes = "timestamp,datetime,comment-id,voter-id,vote\n2000,x,0,1,1\n2001,x,0,2,5\n"
    before = Conversation.objects.count()
    with pytest.raises(ImportFailed) as err:
        services.import_polis(_write(tmp_path / "bad", COMMENTS, votes), staff, slug="bad")
    assert err.value.file == "votes.csv" and err.value.row == 3 and err.value.column == "vote"
    assert "votes.csv" in err.value.message and "3 行目" in err.value.message
    assert Conversation.objects.count() == before


def test_polis_vote_for_unknown_comment_is_refused(tmp_path: Path, staff: Any) -> None:
    votes = "timestamp,datetime,comment-id,voter-id,vote\n2000,x,7,1,1\n"
    with pytest.raises(ImportFailed) as err:
        services.import_polis(_write(tmp_path / "bad", COMMENTS, votes), staff, slug="bad2")
    assert err.value.row == 2 and err.value.column == "comment-id"
    assert not Conversation.objects.filter(slug="bad2").exists()


def test_polis_zip_with_subfolder(tmp_path: Path, staff: Any) -> None:
    import zipfile

    votes = "timestamp,datetime,comment-id,voter-id,vote\n2000,x,0,1,1\n"
    archive = tmp_path / "x.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("conv/comments.csv", COMMENTS)
        z.writestr("conv/votes.csv", votes)
    conv = services.import_polis(archive, staff, slug="zipped")
    assert conv.statements.count() == 3
