"""Qualitative evidence next to the numbers: broad-listening topics and opinions of a perspective.

Read through the listening app's selectors (visible runs, masked opinion text); only the
latest visible run of each consultation counts. When the listening app has no result yet,
the pages say 「まだ分析結果がありません」 instead. One pass over the runs' rows serves any
number of perspectives.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

NO_RESULTS = "まだ分析結果がありません"
TOPICS_SHOWN = 5
OPINIONS_SHOWN = 3


@dataclass
class Evidence:
    code: str
    topics: list[dict[str, Any]] = field(default_factory=list)
    opinions: list[dict[str, Any]] = field(default_factory=list)
    matched: int = 0
    total: int = 0
    message: str = NO_RESULTS

    @property
    def available(self) -> bool:
        return self.matched > 0


def _belongs(codes: list[str] | None, code: str) -> bool:
    return any(c == code or c.startswith(code + "-") for c in (codes or []))


def for_perspectives(
    codes: Iterable[str], user: AbstractBaseUser | AnonymousUser
) -> dict[str, Evidence]:
    """Evidence for each perspective code ("V1" … "V6"), reading each run's rows once."""
    wanted = [c for c in dict.fromkeys(codes) if c]
    result = {code: Evidence(code=code) for code in wanted}
    if not wanted:
        return result
    try:
        from machikoe.listening import selectors as listening
        from machikoe.listening.models import AnalysisRun, RunCluster, RunRow
    except ImportError:  # pragma: no cover - the listening app is part of the project
        return result
    runs = list(
        listening.visible_runs(user)
        .filter(status=AnalysisRun.Status.SUCCEEDED)
        .order_by("consultation_id", "-number")
    )
    latest: dict[int, Any] = {}
    for run in runs:
        latest.setdefault(run.consultation_id, run)
    topic_counts: dict[str, Counter[tuple[int, str]]] = {code: Counter() for code in wanted}
    samples: dict[str, list[tuple[Any, int]]] = {code: [] for code in wanted}
    total = 0
    for run in latest.values():
        rows = RunRow.objects.filter(run=run).values_list("id", "topic", "perspectives")
        for row_id, topic, row_codes in rows.iterator(chunk_size=5000):
            total += 1
            for code in wanted:
                if _belongs(row_codes, code):
                    result[code].matched += 1
                    topic_counts[code][(run.pk, topic)] += 1
                    if len(samples[code]) < OPINIONS_SHOWN:
                        samples[code].append((run, row_id))
    tops = {code: topic_counts[code].most_common(TOPICS_SHOWN) for code in wanted}
    run_ids = {run_id for top in tops.values() for (run_id, _), _ in top}
    keys = {key for top in tops.values() for (_, key), _ in top}
    labels = {
        (c.run_id, c.key): c.label
        for c in RunCluster.objects.filter(run_id__in=run_ids, key__in=keys)
    }
    by_run = {run.pk: run for run in latest.values()}
    for code in wanted:
        evidence = result[code]
        evidence.total = total
        if not evidence.matched:
            continue
        evidence.topics = [
            {
                "label": labels.get((run_id, key), key),
                "count": count,
                "consultation": str(by_run[run_id].consultation),
            }
            for (run_id, key), count in tops[code]
        ]
        for run, row_id in samples[code]:
            evidence.opinions.extend(
                listening.opinions_of(run, RunRow.objects.filter(pk=row_id), limit=1)
            )
        evidence.message = ""
    return result


def for_perspective(code: str, user: AbstractBaseUser | AnonymousUser) -> Evidence:
    """Topics and a few masked opinions tied to perspective `code` (e.g. "V5")."""
    return for_perspectives([code], user).get(code) or Evidence(code=code)
