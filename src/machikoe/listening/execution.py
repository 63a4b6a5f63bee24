"""Running one analysis: opinions in, pipeline run, results stored, earlier edits replayed.

Called by the background task. Progress (stage, fraction) is written to the run as it goes,
in its own small updates so a page polling the run sees it. The results are written in one
transaction at the end: a failed run stores nothing but its error, never a partial result.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import transaction
from django.utils import timezone

from machikoe.core.errors import MachikoeError
from machikoe.listening import editing, vectors
from machikoe.listening.models import AnalysisRun, RunCluster, RunRow, TopicEdit
from machikoe.listening.perspectives import plan_inputs
from machikoe.participation.models import YOUTH_AGE_BANDS, Channel, Opinion

logger = logging.getLogger(__name__)

STAGE_NAMES = {
    "load": "意見の読み込み",
    "vectors": "ベクトルの準備",
    "normalise": "正規化",
    "split": "論点への分割",
    "dedupe": "重複の検出",
    "vectorise": "ベクトル化",
    "cluster": "クラスタリング",
    "label": "見出しづけ",
    "classify": "視点への分類",
    "compare": "属性による比較",
    "map": "地図の作成",
    "save": "結果の保存",
    "done": "完了",
}


class Progress:
    """Writes (stage, fraction) to the run at most every half second, or on a new stage."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.stage = ""
        self.last = 0.0

    def __call__(self, stage: Any, fraction: Any = None, *rest: Any, **kw: Any) -> None:
        name = str(getattr(stage, "stage", stage)).split(":", 1)[0]
        if fraction is None:
            fraction = getattr(stage, "fraction", 0.0)
        value = max(0.0, min(1.0, float(fraction or 0.0)))
        now = time.monotonic()
        if name == self.stage and now - self.last < 0.5:
            return
        self.stage, self.last = name, now
        AnalysisRun.objects.filter(pk=self.run_id).update(
            stage=STAGE_NAMES.get(name, name)[:60], fraction=value
        )


def documents_for(run: AnalysisRun) -> tuple[list[Any], list[Opinion]]:
    from machikoe.analysis.listening import Document

    opinions = list(
        Opinion.objects.filter(consultation_id=run.consultation_id, status__in=run.statuses)
        .only("id", "masked_body", "age_band", "district", "channel")
        .order_by("submitted_at", "id")
    )
    docs = [
        Document(
            id=str(op.pk),
            text=op.masked_body,
            attributes={
                "age_band": op.age_band,
                "district": op.district,
                "channel": op.channel,
            },
        )
        for op in opinions
    ]
    return docs, opinions


def execute(run_id: int) -> AnalysisRun:
    run = AnalysisRun.objects.select_related("consultation").get(pk=run_id)
    if run.status != AnalysisRun.Status.QUEUED:
        return run  # already done (a second delivery of the same task)
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.RUNNING, started_at=timezone.now(), stage=STAGE_NAMES["load"]
    )
    progress = Progress(run.pk)
    try:
        result, vectorizer_name = _analyse(run, progress)
        progress("save", 0.0)
        _store(run, result, vectorizer_name)
    except MachikoeError as exc:
        _fail(run, exc.message)
    except Exception as exc:  # the worker must record the failure, not die silently
        logger.exception("analysis run %s failed", run.pk)
        _fail(run, f"分析中にエラーが発生しました（{type(exc).__name__}）。")
    run.refresh_from_db()
    return run


def _fail(run: AnalysisRun, message: str) -> None:
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.FAILED, message=message, finished_at=timezone.now()
    )


def _analyse(run: AnalysisRun, progress: Progress) -> tuple[Any, str]:
    from machikoe.analysis.listening import ListeningConfig, run_pipeline
    from machikoe.listening.services import corrections_for

    docs, _ = documents_for(run)
    if not docs:
        raise MachikoeError("分析できる意見がありません（対象の状態の意見が 0 件です）。")
    settings: dict[str, Any] = dict(run.config)
    settings["corrections"] = corrections_for(run.consultation)
    specs, glossary = plan_inputs(run.consultation)
    if specs:
        settings["perspectives"] = specs
        settings["glossary"] = glossary
    settings["random_state"] = settings.get("random_state", 0)
    budget = float(settings.get("time_budget_s", 60.0))
    name, matrix = _cached_vectors(docs, str(settings.get("vectorizer", "auto")), budget, progress)
    if matrix is not None:
        settings["vectorizer"] = name
    config = ListeningConfig.from_dict(settings)
    backend = vectors.vectorizer(name) if matrix is not None else None
    result = run_pipeline(docs, config, vectors=matrix, progress=progress, vectorizer=backend)
    used = str(result.meta.get("vectorizer", name) if hasattr(result, "meta") else name)
    return result, used


def _cached_vectors(
    docs: list[Any], wanted: str, budget_s: float, progress: Progress
) -> tuple[str, Any]:
    """Use the vectors computed as opinions arrived, computing only the missing ones.

    "auto" takes the cached quality vectors when the quality backend would be chosen anyway
    (short opinions) and the vectors still missing fit the time budget; otherwise the
    library estimates and chooses by itself, with no vectors passed.
    """
    from machikoe.analysis.listening.vectorize import LONG_TEXT_CHARS, choose_vectorizer

    texts = [d.text for d in docs]
    name = wanted
    if wanted == "auto":
        name = "quality"
        if not vectors.is_cacheable(name):
            return wanted, None
        cached = vectors.load(texts, name)
        missing = [t for t in texts if vectors.text_hash(t) not in cached]
        choice = choose_vectorizer(texts, budget_s)
        if choice.median_chars > LONG_TEXT_CHARS:
            return wanted, None
        if missing and choose_vectorizer(missing, budget_s).name != "quality":
            return wanted, None
    elif not vectors.is_cacheable(name):
        return wanted, None

    def report(done: int, total: int) -> None:
        progress("vectors", done / max(total, 1))

    progress("vectors", 0.0)
    return name, vectors.ensure(texts, name, progress=report)


def _store(run: AnalysisRun, result: Any, vectorizer_name: str) -> None:
    data = result.to_dict()
    youth = set(YOUTH_AGE_BANDS)
    opinion_attrs: dict[int, dict[str, Any]] = {
        op["id"]: dict(op)
        for op in Opinion.objects.filter(
            consultation_id=run.consultation_id, status__in=run.statuses
        ).values("id", "age_band", "district", "channel")
    }
    skipped = [r for r in data["rows"] if r.get("topic") is None]
    with transaction.atomic():
        RunRow.objects.filter(run=run).delete()
        RunCluster.objects.filter(run=run).delete()
        clusters = [
            RunCluster(
                run=run,
                key=str(c["id"]),
                parent_key=str(c["parent"] or ""),
                label=str(c["label"])[:200],
                auto_label=str(c["label"])[:200],
                keywords=list(c.get("keywords", [])),
                size=int(c.get("size", 0)),
                representatives=[str(r) for r in c.get("representatives", [])],
                position=i,
            )
            for i, c in enumerate(data["clusters"])
        ]
        RunCluster.objects.bulk_create(clusters, batch_size=500)
        rows = []
        for r in data["rows"]:
            if r.get("topic") is None:
                continue
            attrs: dict[str, Any] = opinion_attrs.get(int(r["id"]), {})
            rows.append(
                RunRow(
                    run=run,
                    opinion_id=int(r["id"]),
                    topic=str(r["topic"]),
                    subtopic=str(r.get("subtopic") or ""),
                    perspectives=list(r.get("perspectives", [])),
                    duplicate_group=str(r.get("duplicate_group") or ""),
                    x=float(r.get("x") or 0.0),
                    y=float(r.get("y") or 0.0),
                    age_band=attrs.get("age_band", ""),
                    district=attrs.get("district", ""),
                    channel=attrs.get("channel", ""),
                    youth=attrs.get("age_band", "") in youth
                    or attrs.get("channel", "") == Channel.YOUTH_WEB,
                )
            )
        RunRow.objects.bulk_create(rows, batch_size=1000)
        edits = list(
            TopicEdit.objects.filter(consultation_id=run.consultation_id)
            .exclude(run=run)
            .order_by("created_at", "id")
        )
        replayed = editing.replay(run, edits)
        meta = dict(data.get("meta", {}))
        meta["replayed_edits"] = replayed
        meta["skipped"] = [{"id": r["id"], "reason": r.get("reason", "")} for r in skipped]
        AnalysisRun.objects.filter(pk=run.pk).update(
            status=AnalysisRun.Status.SUCCEEDED,
            stage=STAGE_NAMES["done"],
            fraction=1.0,
            vectorizer=vectorizer_name[:40],
            opinion_count=len(rows),
            meta=_jsonable(meta),
            extras=_jsonable(
                {
                    "comparisons": data.get("comparisons", []),
                    "cross_sector": data.get("cross_sector", []),
                    "duplicate_groups": data.get("duplicate_groups", []),
                }
            ),
            finished_at=timezone.now(),
            message=(
                f"{len(skipped)} 件の意見は分析できませんでした（理由は結果に記録）。"
                if skipped
                else ""
            ),
        )


def _jsonable(value: Any) -> Any:
    """Plain JSON types only (numpy numbers become floats/ints)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return float(value) if value == value else None
    if hasattr(value, "item"):
        return _jsonable(value.item())
    return str(value)
