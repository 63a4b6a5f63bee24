"""Writes of the listening app: start and run analyses, publish them, and staff corrections.

Every staff write is audited inside its transaction. Corrections are stored apart from runs
(`PerspectiveCorrection`, `TopicEdit`), applied to the run being edited at once, and carried
into every later run: perspectives through `ListeningConfig.corrections`, topic edits by
replaying them on the clusters that overlap most with the ones edited (see `editing`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from machikoe.core import audit
from machikoe.core.errors import ValidationFailed
from machikoe.core.roles import require_staff
from machikoe.listening import editing
from machikoe.listening.models import AnalysisRun, PerspectiveCorrection, RunRow, TopicEdit
from machikoe.participation.models import Consultation, Opinion

User = AbstractBaseUser | AnonymousUser

VECTORIZERS = ("auto", "fast", "quality")
DEFAULT_STATUSES = (Opinion.Status.APPROVED.value,)
PERSPECTIVE_CODES = ("V1", "V2", "V3", "V4", "V5", "V6")


def start_analysis(
    actor: User | None,
    consultation: Consultation,
    *,
    vectorizer: str = "auto",
    n_topics: int | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
    enqueue: bool = True,
) -> AnalysisRun:
    """Create run N+1 of this consultation and queue it on the background worker."""
    require_staff(actor)
    return create_run(
        actor,
        consultation,
        vectorizer=vectorizer,
        n_topics=n_topics,
        statuses=statuses,
        enqueue=enqueue,
    )


def create_run(
    actor: User | None,
    consultation: Consultation,
    *,
    vectorizer: str = "auto",
    n_topics: int | None = None,
    statuses: Sequence[str] = DEFAULT_STATUSES,
    enqueue: bool = True,
) -> AnalysisRun:
    """The run itself (also used by the demo loader, whose actor is the system: None)."""
    if vectorizer not in VECTORIZERS:
        raise ValidationFailed("ベクトル化の方式が正しくありません。", field="vectorizer")
    if n_topics is not None and not 2 <= n_topics <= 30:
        raise ValidationFailed("トピック数は 2〜30 で指定してください。", field="n_topics")
    valid = {s.value for s in Opinion.Status}
    chosen = [s for s in statuses if s in valid]
    if not chosen:
        raise ValidationFailed("対象とする意見の状態を選んでください。", field="statuses")
    config: dict[str, Any] = {"vectorizer": vectorizer}
    if n_topics is not None:
        config["n_topics"] = n_topics
    for _attempt in range(3):
        try:
            with transaction.atomic():
                last = consultation.analysis_runs.aggregate(m=Max("number"))["m"] or 0
                run = AnalysisRun.objects.create(
                    consultation=consultation,
                    number=last + 1,
                    config=config,
                    statuses=chosen,
                    created_by=_user(actor),
                    stage="待機中",
                )
                audit.record(actor, "listening.start_analysis", run, after=audit.snapshot(run))
                if enqueue:
                    _enqueue(run)
            return run
        except IntegrityError:  # two staff started at once: take the next number
            continue
    raise ValidationFailed("分析を開始できませんでした。もう一度お試しください。")


def _enqueue(run: AnalysisRun) -> None:
    """Queue the run in the same transaction: the task row exists iff the run does."""
    from machikoe.listening.tasks import run_analysis

    result = run_analysis.enqueue(run.pk)
    AnalysisRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.task_id = str(result.id)


def execute_run(run_id: int) -> AnalysisRun:
    """Run the pipeline for a queued run (called by the background task)."""
    from machikoe.listening.execution import execute

    return execute(run_id)


def set_published(
    actor: User | None, run: AnalysisRun, published: bool, *, system: bool = False
) -> AnalysisRun:
    """Publish or withdraw a finished run (`system=True`: the demo loader, no staff user)."""
    if not system:
        require_staff(actor)
    if published and run.status != AnalysisRun.Status.SUCCEEDED:
        raise ValidationFailed("完了していない分析は公開できません。")
    with transaction.atomic():
        before = audit.snapshot(run)
        run.published = published
        run.published_at = timezone.now() if published else None
        run.save(update_fields=["published", "published_at"])
        audit.record(
            actor,
            "listening.publish" if published else "listening.unpublish",
            run,
            before=before,
            after=audit.snapshot(run),
        )
    return run


def _editable(run: AnalysisRun) -> None:
    if run.status != AnalysisRun.Status.SUCCEEDED:
        raise ValidationFailed("完了した分析だけを修正できます。")


def rename_topic(actor: User | None, run: AnalysisRun, key: str, label: str) -> None:
    require_staff(actor)
    _editable(run)
    label = label.strip()
    if not label or len(label) > 200:
        raise ValidationFailed("見出しは 1〜200 文字で入力してください。", field="label")
    with transaction.atomic():
        cluster = editing.cluster(run, key)
        before = audit.snapshot(cluster)
        members = editing.members(run, key)
        editing.apply_rename(run, key, label)
        cluster.refresh_from_db()
        edit = TopicEdit.objects.create(
            consultation_id=run.consultation_id,
            run=run,
            kind=TopicEdit.Kind.RENAME,
            payload={"key": key, "members": members, "label": label},
            created_by=_user(actor),
        )
        audit.record(
            actor, "listening.rename_topic", cluster, before=before, after=audit.snapshot(cluster)
        )
        audit.record(actor, "listening.topic_edit", edit, after=audit.snapshot(edit))


def merge_topics(actor: User | None, run: AnalysisRun, source: str, target: str) -> None:
    """Merge cluster `source` into `target` (both topics, or both subtopics)."""
    require_staff(actor)
    _editable(run)
    if source == target:
        raise ValidationFailed("同じトピックどうしは統合できません。", field="target")
    with transaction.atomic():
        src, dst = editing.cluster(run, source), editing.cluster(run, target)
        if src.is_topic != dst.is_topic:
            raise ValidationFailed(
                "トピックどうし、またはサブトピックどうしを統合してください。", field="target"
            )
        before = {"source": audit.snapshot(src), "target": audit.snapshot(dst)}
        payload = {
            "source": source,
            "target": target,
            "source_members": editing.members(run, source),
            "target_members": editing.members(run, target),
        }
        editing.apply_merge(run, source, target)
        src.refresh_from_db()
        dst.refresh_from_db()
        edit = TopicEdit.objects.create(
            consultation_id=run.consultation_id,
            run=run,
            kind=TopicEdit.Kind.MERGE,
            payload=payload,
            created_by=_user(actor),
        )
        audit.record(
            actor,
            "listening.merge_topics",
            dst,
            before=before,
            after={"source": audit.snapshot(src), "target": audit.snapshot(dst)},
        )
        audit.record(actor, "listening.topic_edit", edit, after=audit.snapshot(edit))


def move_opinion(actor: User | None, run: AnalysisRun, opinion_id: int, target: str) -> None:
    """Put one opinion in another topic or subtopic."""
    require_staff(actor)
    _editable(run)
    with transaction.atomic():
        row = RunRow.objects.filter(run=run, opinion_id=opinion_id).first()
        if row is None:
            raise ValidationFailed("この分析に含まれていない意見です。", field="opinion")
        editing.cluster(run, target)
        before = audit.snapshot(row)
        payload = {
            "opinion": opinion_id,
            "target": target,
            "from": row.subtopic or row.topic,
            "target_members": editing.members(run, target),
        }
        editing.apply_move(run, opinion_id, target)
        row.refresh_from_db()
        edit = TopicEdit.objects.create(
            consultation_id=run.consultation_id,
            run=run,
            kind=TopicEdit.Kind.MOVE,
            payload=payload,
            created_by=_user(actor),
        )
        audit.record(actor, "listening.move_opinion", row, before=before, after=audit.snapshot(row))
        audit.record(actor, "listening.topic_edit", edit, after=audit.snapshot(edit))


def correct_perspectives(
    actor: User | None,
    opinion: Opinion,
    codes: Iterable[str],
    *,
    run: AnalysisRun | None = None,
) -> PerspectiveCorrection:
    """Set an opinion's perspectives by hand; later runs keep it (and learn from it)."""
    require_staff(actor)
    chosen = sorted({c for c in codes})
    unknown = [c for c in chosen if c not in PERSPECTIVE_CODES]
    if unknown:
        raise ValidationFailed(f"不明な視点です: {', '.join(unknown)}", field="perspectives")
    with transaction.atomic():
        existing = PerspectiveCorrection.objects.filter(opinion=opinion).first()
        before = audit.snapshot(existing) if existing else None
        correction, _ = PerspectiveCorrection.objects.update_or_create(
            opinion=opinion, defaults={"codes": chosen, "corrected_by": _user(actor)}
        )
        if run is not None:
            RunRow.objects.filter(run=run, opinion=opinion).update(perspectives=chosen)
        audit.record(
            actor,
            "listening.correct_perspectives",
            correction,
            before=before,
            after=audit.snapshot(correction),
        )
    return correction


def corrections_for(consultation: Consultation) -> dict[str, list[str]]:
    """Perspective corrections of this consultation's opinions, as the library wants them."""
    return {
        str(opinion_id): list(codes)
        for opinion_id, codes in PerspectiveCorrection.objects.filter(
            opinion__consultation=consultation
        ).values_list("opinion_id", "codes")
    }


def _user(actor: User | None) -> Any:
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None
