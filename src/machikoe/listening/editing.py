"""Topic edits on a stored run, and their replay on a later run of the same consultation.

Cluster ids change from run to run, so an edit names its clusters by their members (opinion
ids). On a new run each edited cluster is matched to the new cluster of the same level with
the highest Jaccard overlap, if that overlap is at least `MATCH_THRESHOLD`; edits whose
clusters have no match are reported as not applied rather than guessed.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Count, Q

from machikoe.core.errors import ValidationFailed
from machikoe.listening.models import AnalysisRun, RunCluster, RunRow, TopicEdit

MATCH_THRESHOLD = 0.5


def cluster(run: AnalysisRun, key: str) -> RunCluster:
    found = RunCluster.objects.filter(run=run, key=key, merged_into="").first()
    if found is None:
        raise ValidationFailed("トピックが見つかりません。", field="key")
    return found


def members(run: AnalysisRun, key: str) -> list[int]:
    return sorted(
        RunRow.objects.filter(run=run)
        .filter(Q(topic=key) | Q(subtopic=key))
        .values_list("opinion_id", flat=True)
    )


def apply_rename(run: AnalysisRun, key: str, label: str) -> None:
    RunCluster.objects.filter(run=run, key=key).update(label=label)


def apply_merge(run: AnalysisRun, source: str, target: str) -> None:
    src, dst = cluster(run, source), cluster(run, target)
    if src.is_topic:
        RunRow.objects.filter(run=run, topic=source).update(topic=target)
        RunCluster.objects.filter(run=run, parent_key=source).update(parent_key=target)
    else:
        RunRow.objects.filter(run=run, subtopic=source).update(
            subtopic=target, topic=dst.parent_key
        )
    reps = list(dst.representatives) + [
        r for r in src.representatives if r not in dst.representatives
    ]
    keywords = list(dst.keywords) + [k for k in src.keywords if k not in dst.keywords]
    RunCluster.objects.filter(pk=dst.pk).update(representatives=reps, keywords=keywords[:15])
    RunCluster.objects.filter(pk=src.pk).update(merged_into=target)
    recompute_sizes(run)


def apply_move(run: AnalysisRun, opinion_id: int, target: str) -> None:
    dst = cluster(run, target)
    row = RunRow.objects.get(run=run, opinion_id=opinion_id)
    old = [k for k in (row.topic, row.subtopic) if k]
    if dst.is_topic:
        row.topic, row.subtopic = target, ""
    else:
        row.topic, row.subtopic = dst.parent_key, target
    row.save(update_fields=["topic", "subtopic"])
    for c in RunCluster.objects.filter(run=run, key__in=old).exclude(
        key__in=[target, dst.parent_key]
    ):
        rid = str(opinion_id)
        if rid in [str(r) for r in c.representatives]:
            c.representatives = [r for r in c.representatives if str(r) != rid]
            c.save(update_fields=["representatives"])
    recompute_sizes(run)


def recompute_sizes(run: AnalysisRun) -> None:
    """Sizes from the rows themselves, so every edit leaves counts that add up."""
    sizes: Counter[str] = Counter()
    for key, n in RunRow.objects.filter(run=run).values_list("topic").annotate(n=Count("id")):
        sizes[key] += n
    for key, n in (
        RunRow.objects.filter(run=run)
        .exclude(subtopic="")
        .values_list("subtopic")
        .annotate(n=Count("id"))
    ):
        sizes[key] += n
    changed = []
    for c in RunCluster.objects.filter(run=run):
        size = 0 if c.merged_into else sizes.get(c.key, 0)
        if c.size != size:
            c.size = size
            changed.append(c)
    if changed:
        RunCluster.objects.bulk_update(changed, ["size"])


def _jaccard(a: set[int], b: set[int]) -> float:
    if not a and not b:
        return 0.0
    return len(a & b) / len(a | b)


def match(run: AnalysisRun, old_members: list[int], *, topic_level: bool | None) -> str | None:
    """The live cluster of `run` that overlaps most with `old_members`, if close enough."""
    wanted = set(old_members)
    best, best_score = None, 0.0
    groups: dict[str, set[int]] = {}
    for opinion_id, topic, subtopic in RunRow.objects.filter(run=run).values_list(
        "opinion_id", "topic", "subtopic"
    ):
        groups.setdefault(topic, set()).add(opinion_id)
        if subtopic:
            groups.setdefault(subtopic, set()).add(opinion_id)
    live = RunCluster.objects.filter(run=run, merged_into="")
    for c in live:
        if topic_level is not None and c.is_topic != topic_level:
            continue
        score = _jaccard(wanted, groups.get(c.key, set()))
        if score > best_score:
            best, best_score = c.key, score
    return best if best_score >= MATCH_THRESHOLD else None


def _level(old_run_id: int | None, key: str) -> bool | None:
    if old_run_id is None:
        return None
    parent = (
        RunCluster.objects.filter(run_id=old_run_id, key=key)
        .values_list("parent_key", flat=True)
        .first()
    )
    return None if parent is None else not parent


def replay(run: AnalysisRun, edits: list[TopicEdit]) -> list[dict[str, Any]]:
    """Apply earlier staff edits to a fresh run; returns what happened to each."""
    report: list[dict[str, Any]] = []
    for edit in edits:
        p = edit.payload
        applied = False
        if edit.kind == TopicEdit.Kind.RENAME:
            key = match(
                run, p.get("members", []), topic_level=_level(edit.run_id, p.get("key", ""))
            )
            if key is not None:
                apply_rename(run, key, p["label"])
                applied = True
        elif edit.kind == TopicEdit.Kind.MERGE:
            level = _level(edit.run_id, p.get("source", ""))
            src = match(run, p.get("source_members", []), topic_level=level)
            dst = match(run, p.get("target_members", []), topic_level=level)
            if src is not None and dst is not None and src != dst:
                apply_merge(run, src, dst)
                applied = True
        elif edit.kind == TopicEdit.Kind.MOVE:
            level = _level(edit.run_id, p.get("target", ""))
            dst = match(run, p.get("target_members", []), topic_level=level)
            opinion_id = p.get("opinion")
            if dst is not None and RunRow.objects.filter(run=run, opinion_id=opinion_id).exists():
                apply_move(run, int(opinion_id), dst)
                applied = True
        report.append({"edit": edit.pk, "kind": edit.kind, "applied": applied})
    return report
