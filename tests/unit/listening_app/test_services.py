"""Services: starting and running analyses, publishing, and staff corrections that survive
re-runs. Runs use the real pipeline (fast backend) on small invented data."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from django_tasks_db.models import DBTaskResult

from machikoe.core.errors import NotAllowed, ValidationFailed
from machikoe.core.models import AuditLog
from machikoe.listening import services
from machikoe.listening.execution import execute
from machikoe.listening.models import AnalysisRun, PerspectiveCorrection, RunCluster, RunRow
from tests.unit.listening_app.opinion_data import THEMES

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_settings")]


def _run(staff: Any, consultation: Any, **kw: Any) -> AnalysisRun:
    run = services.start_analysis(staff, consultation, vectorizer="fast", **kw)
    return execute(run.pk)


def test_only_staff_may_start(consultation: Any, resident: Any) -> None:
    with pytest.raises(NotAllowed):
        services.start_analysis(resident, consultation)
    with pytest.raises(NotAllowed):
        services.start_analysis(None, consultation)
    assert not AnalysisRun.objects.exists()


def test_bad_settings_are_refused(consultation: Any, staff: Any) -> None:
    with pytest.raises(ValidationFailed):
        services.start_analysis(staff, consultation, vectorizer="gpt")
    with pytest.raises(ValidationFailed):
        services.start_analysis(staff, consultation, n_topics=1)
    with pytest.raises(ValidationFailed):
        services.start_analysis(staff, consultation, statuses=["nonsense"])


def test_start_numbers_runs_queues_a_task_and_audits(consultation: Any, staff: Any) -> None:
    first = services.start_analysis(staff, consultation)
    second = services.start_analysis(staff, consultation, vectorizer="fast", n_topics=4)
    assert (first.number, second.number) == (1, 2)
    assert second.config == {"vectorizer": "fast", "n_topics": 4}
    assert first.status == AnalysisRun.Status.QUEUED
    task = DBTaskResult.objects.get(id=first.task_id)
    assert task.task_path == "machikoe.listening.tasks.run_analysis"
    assert task.args_kwargs["args"] == [first.pk]
    assert AuditLog.objects.filter(action="listening.start_analysis").count() == 2


def test_run_stores_rows_clusters_and_progress(
    consultation: Any, staff: Any, make_opinions: Any
) -> None:
    opinions = make_opinions(12)
    run = _run(staff, consultation)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.message
    assert run.fraction == 1.0 and run.finished_at is not None
    assert run.opinion_count == len(opinions) == RunRow.objects.filter(run=run).count()
    assert run.vectorizer.startswith("fast")
    topics = RunCluster.objects.filter(run=run, parent_key="")
    assert topics.count() >= 2
    assert sum(t.size for t in topics) == len(opinions)
    for t in topics:
        subs = RunCluster.objects.filter(run=run, parent_key=t.key)
        assert sum(s.size for s in subs) == t.size
        assert t.label and t.keywords and t.representatives
    # rows are stored against the right opinions: variants of one sentence share a topic
    by_sentence: dict[str, Counter[str]] = {}
    sentences = [x for sents in THEMES.values() for x in sents]
    for row in RunRow.objects.filter(run=run).select_related("opinion"):
        sentence = next(x for x in sentences if row.opinion.body.startswith(x))
        by_sentence.setdefault(sentence, Counter())[row.topic] += 1
    agree = sum(c.most_common(1)[0][1] for c in by_sentence.values()) / len(opinions)
    assert agree >= 0.9
    # classified against the plan's perspectives (packaged seed plan when none is loaded)
    codes = {c for r in RunRow.objects.filter(run=run) for c in r.perspectives}
    assert codes and codes <= {"V1", "V2", "V3", "V4", "V5", "V6"}
    assert run.meta["complete"] is True


def test_run_without_opinions_fails_cleanly(consultation: Any, staff: Any) -> None:
    run = _run(staff, consultation)
    assert run.status == AnalysisRun.Status.FAILED
    assert "0 件" in run.message
    assert not RunRow.objects.filter(run=run).exists()
    assert not RunCluster.objects.filter(run=run).exists()


def test_pending_opinions_are_left_out_by_default(
    consultation: Any, staff: Any, make_opinions: Any
) -> None:
    make_opinions(8)
    make_opinions(4, status="pending")
    run = _run(staff, consultation)
    assert run.opinion_count == 32
    both = _run(staff, consultation, statuses=["approved", "pending"])
    assert both.opinion_count == 48


def test_publish_only_finished_runs(consultation: Any, staff: Any, make_opinions: Any) -> None:
    queued = services.start_analysis(staff, consultation)
    with pytest.raises(ValidationFailed):
        services.set_published(staff, queued, True)
    make_opinions(6)
    run = _run(staff, consultation)
    services.set_published(staff, run, True)
    run.refresh_from_db()
    assert run.published and run.published_at is not None
    assert AuditLog.objects.filter(action="listening.publish", object_id=str(run.pk)).exists()


def test_perspective_correction_survives_rerun(
    consultation: Any, staff: Any, make_opinions: Any, resident: Any
) -> None:
    opinions = make_opinions(8)
    first = _run(staff, consultation)
    target = opinions[0]
    with pytest.raises(NotAllowed):
        services.correct_perspectives(resident, target, ["V5"], run=first)
    with pytest.raises(ValidationFailed):
        services.correct_perspectives(staff, target, ["V9"], run=first)
    services.correct_perspectives(staff, target, ["V5", "V3"], run=first)
    assert RunRow.objects.get(run=first, opinion=target).perspectives == ["V3", "V5"]
    assert PerspectiveCorrection.objects.get(opinion=target).codes == ["V3", "V5"]
    log = AuditLog.objects.get(action="listening.correct_perspectives")
    assert log.after["codes"] == ["V3", "V5"]

    second = _run(staff, consultation)
    assert second.number == 2
    assert RunRow.objects.get(run=second, opinion=target).perspectives == ["V3", "V5"]


def _topics(run: AnalysisRun) -> list[RunCluster]:
    return list(RunCluster.objects.filter(run=run, parent_key="", merged_into="").order_by("-size"))


def test_rename_merge_move_apply_and_replay_on_rerun(
    consultation: Any, staff: Any, make_opinions: Any
) -> None:
    make_opinions(12)
    run = _run(staff, consultation, n_topics=4)
    topics = _topics(run)
    assert len(topics) == 4
    a, b, c = topics[0], topics[1], topics[2]

    services.rename_topic(staff, run, a.key, "公園と遊び場")
    a.refresh_from_db()
    assert a.label == "公園と遊び場" and a.auto_label != "公園と遊び場"

    size_b, size_c = b.size, c.size
    services.merge_topics(staff, run, c.key, b.key)
    b.refresh_from_db()
    c.refresh_from_db()
    assert c.merged_into == b.key and c.size == 0
    assert b.size == size_b + size_c == RunRow.objects.filter(run=run, topic=b.key).count()
    assert len(_topics(run)) == 3

    mover = RunRow.objects.filter(run=run, topic=a.key).first()
    assert mover is not None
    services.move_opinion(staff, run, mover.opinion_id, b.key)
    mover.refresh_from_db()
    assert mover.topic == b.key and mover.subtopic == ""
    sizes = {t.key: t.size for t in _topics(run)}
    assert sum(sizes.values()) == run.opinion_count

    actions = set(AuditLog.objects.values_list("action", flat=True))
    assert {"listening.rename_topic", "listening.merge_topics", "listening.move_opinion"} <= actions

    rerun = _run(staff, consultation, n_topics=4)
    assert [r["applied"] for r in rerun.meta["replayed_edits"]] == [True, True, True]
    labels = [t.label for t in _topics(rerun)]
    assert "公園と遊び場" in labels
    assert len(_topics(rerun)) == 3
    moved = RunRow.objects.get(run=rerun, opinion_id=mover.opinion_id)
    renamed = next(t for t in _topics(rerun) if t.label == "公園と遊び場")
    assert moved.topic != renamed.key


def test_edits_are_refused_for_unknown_topics_and_unfinished_runs(
    consultation: Any, staff: Any, make_opinions: Any
) -> None:
    queued = services.start_analysis(staff, consultation)
    with pytest.raises(ValidationFailed):
        services.rename_topic(staff, queued, "t1", "x")
    make_opinions(6)
    run = _run(staff, consultation)
    with pytest.raises(ValidationFailed):
        services.rename_topic(staff, run, "t99", "x")
    with pytest.raises(ValidationFailed):
        services.rename_topic(staff, run, "t1", "  ")
    with pytest.raises(ValidationFailed):
        services.merge_topics(staff, run, "t1", "t1")
    sub = RunCluster.objects.filter(run=run).exclude(parent_key="").first()
    assert sub is not None
    with pytest.raises(ValidationFailed):
        services.merge_topics(staff, run, "t1", sub.key)
