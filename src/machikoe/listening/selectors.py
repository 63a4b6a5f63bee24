"""Reads of the listening app: which runs a visitor may see, and the report's figures.

Public visitors see published runs only; staff see every run. Opinion text is always the
masked text (`Opinion.masked_body`), and not even that once moderation has hidden the
opinion after the analysis (it still counts, its words are no longer shown). Filters by attribute come from GET parameters and are
validated against the participation app's choices, so a page works without JavaScript.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, QueryDict

from machikoe.core.roles import is_staff
from machikoe.listening.models import AnalysisRun, RunCluster, RunRow
from machikoe.listening.perspectives import perspective_titles
from machikoe.participation.models import AgeBand, Channel, Consultation, District, Opinion

User = AbstractBaseUser | AnonymousUser
MAX_MAP_POINTS = 5000
HIDDEN_TEXT = "（非公開になった意見）"
AGE_NAMES = {c.value: str(c.label) for c in AgeBand}
REPRESENTATIVES_SHOWN = 5

FILTER_CHOICES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "age_band": ("年代", [(c.value, str(c.label)) for c in AgeBand]),
    "district": ("地域", [(c.value, str(c.label)) for c in District]),
    "channel": ("チャネル", [(c.value, str(c.label)) for c in Channel]),
    "youth": ("子ども・若者", [("1", "子ども・若者（高校生・大学生等まで）"), ("0", "それ以外")]),
}


@dataclass(frozen=True)
class Filters:
    values: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_query(cls, query: QueryDict) -> Filters:
        values = {}
        for name, (_, choices) in FILTER_CHOICES.items():
            value = query.get(name, "")
            if value and value in {c for c, _ in choices}:
                values[name] = value
        return cls(values)

    def apply(self, rows: QuerySet[RunRow]) -> QuerySet[RunRow]:
        for name, value in self.values.items():
            rows = (
                rows.filter(youth=value == "1") if name == "youth" else rows.filter(**{name: value})
            )
        return rows

    @property
    def active(self) -> bool:
        return bool(self.values)

    def describe(self) -> str:
        parts = []
        for name, value in self.values.items():
            title, choices = FILTER_CHOICES[name]
            parts.append(f"{title}: {dict(choices).get(value, value)}")
        return "、".join(parts)

    def querystring(self) -> str:
        from urllib.parse import urlencode

        return urlencode(self.values)

    def form_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "name": name,
                "title": title,
                "choices": choices,
                "value": self.values.get(name, ""),
            }
            for name, (title, choices) in FILTER_CHOICES.items()
        ]


def visible_runs(user: User) -> QuerySet[AnalysisRun]:
    runs = AnalysisRun.objects.select_related("consultation")
    if is_staff(user):
        return runs
    return runs.filter(published=True, status=AnalysisRun.Status.SUCCEEDED)


def index_consultations(user: User) -> list[dict[str, Any]]:
    """Consultations with their visible runs (one query for each list)."""
    runs = visible_runs(user).order_by("-number")
    consultations = Consultation.objects.annotate(
        opinion_total=Count("opinions", filter=~Q(opinions__status=Opinion.Status.HIDDEN))
    ).prefetch_related(Prefetch("analysis_runs", queryset=runs, to_attr="visible_runs"))
    items = []
    for c in consultations:
        visible = list(getattr(c, "visible_runs", []))
        if not is_staff(user) and not visible:
            continue
        items.append({"consultation": c, "runs": visible})
    return items


def consultation_for(user: User, slug: str) -> tuple[Consultation, list[AnalysisRun]]:
    consultation = Consultation.objects.filter(slug=slug).first()
    if consultation is None:
        raise Http404
    runs = list(visible_runs(user).filter(consultation=consultation).order_by("-number"))
    if not runs and not is_staff(user):
        raise Http404
    return consultation, runs


def run_for(user: User, slug: str, number: int) -> AnalysisRun:
    run = visible_runs(user).filter(consultation__slug=slug, number=number).first()
    if run is None:
        raise Http404
    return run


def live_clusters(run: AnalysisRun) -> list[RunCluster]:
    return list(RunCluster.objects.filter(run=run, merged_into=""))


def topic_table(run: AnalysisRun, filters: Filters) -> list[dict[str, Any]]:
    """Topics with their subtopics and the (filtered) number of opinions in each."""
    rows = filters.apply(RunRow.objects.filter(run=run))
    topic_counts = dict(rows.values_list("topic").annotate(n=Count("id")).values_list("topic", "n"))
    sub_counts = dict(
        rows.exclude(subtopic="")
        .values_list("subtopic")
        .annotate(n=Count("id"))
        .values_list("subtopic", "n")
    )
    clusters = live_clusters(run)
    subs: dict[str, list[dict[str, Any]]] = {}
    for c in clusters:
        if not c.is_topic:
            subs.setdefault(c.parent_key, []).append(
                {"cluster": c, "count": sub_counts.get(c.key, 0)}
            )
    topics: list[dict[str, Any]] = [
        {
            "cluster": c,
            "count": topic_counts.get(c.key, 0),
            "subtopics": sorted(subs.get(c.key, []), key=lambda s: -s["count"]),
        }
        for c in clusters
        if c.is_topic
    ]
    total = sum(t["count"] for t in topics) or 1
    for t in topics:
        t["share"] = t["count"] / total
    return sorted(topics, key=lambda t: -t["count"])


def map_points(run: AnalysisRun, filters: Filters) -> dict[str, Any]:
    """Scatter data: at most MAX_MAP_POINTS points, evenly thinned, with masked hover text."""
    rows = filters.apply(RunRow.objects.filter(run=run))
    total = rows.count()
    step = max(1, -(-total // MAX_MAP_POINTS))
    labels = {c.key: c.label for c in live_clusters(run) if c.is_topic}
    picked = rows.order_by("id").values_list(
        "x", "y", "topic", "opinion__masked_body", "opinion__status"
    )
    series: dict[str, dict[str, list[Any]]] = {}
    for i, (x, y, topic, text, status) in enumerate(picked.iterator(chunk_size=2000)):
        if i % step:
            continue
        if status == Opinion.Status.HIDDEN:
            text = HIDDEN_TEXT
        s = series.setdefault(topic, {"x": [], "y": [], "text": []})
        s["x"].append(round(x, 4))
        s["y"].append(round(y, 4))
        short = text if len(text) <= 80 else text[:80] + "…"
        s["text"].append(short)
    return {
        "series": [
            {"name": labels.get(k, k), "x": v["x"], "y": v["y"], "text": v["text"]}
            for k, v in series.items()
        ],
        "shown": sum(len(v["x"]) for v in series.values()),
        "total": total,
    }


def treemap_data(topics: list[dict[str, Any]]) -> dict[str, list[Any]]:
    ids, labels, parents, values = [], [], [], []
    for t in topics:
        c = t["cluster"]
        ids.append(c.key)
        labels.append(c.label)
        parents.append("")
        values.append(t["count"])
        for s in t["subtopics"]:
            ids.append(s["cluster"].key)
            labels.append(s["cluster"].label)
            parents.append(c.key)
            values.append(s["count"])
    return {"ids": ids, "labels": labels, "parents": parents, "values": values}


def perspective_table(run: AnalysisRun, filters: Filters) -> list[dict[str, Any]]:
    titles = perspective_titles(run.consultation)
    counts: Counter[str] = Counter()
    rows = filters.apply(RunRow.objects.filter(run=run))
    total = 0
    for codes in rows.values_list("perspectives", flat=True).iterator(chunk_size=5000):
        total += 1
        for code in codes or []:
            counts[code] += 1
    return [
        {
            "code": code,
            "title": title,
            "count": counts.get(code, 0),
            "share": counts.get(code, 0) / total if total else 0.0,
        }
        for code, title in titles.items()
    ]


def opinions_of(run: AnalysisRun, rows: QuerySet[RunRow], limit: int = 50) -> list[dict[str, Any]]:
    """Rows with their masked text (one query)."""
    return [
        {
            "opinion_id": r.opinion_id,
            "text": r.opinion.masked_body,
            "receipt": r.opinion.receipt_number,
            "perspectives": r.perspectives,
            "topic": r.topic,
            "subtopic": r.subtopic,
            "duplicate_group": r.duplicate_group,
            "age_band": AGE_NAMES.get(r.age_band, ""),
        }
        for r in rows.exclude(opinion__status=Opinion.Status.HIDDEN)
        .select_related("opinion")
        .only(
            "opinion_id",
            "perspectives",
            "topic",
            "subtopic",
            "duplicate_group",
            "age_band",
            "opinion__masked_body",
            "opinion__receipt_number",
        )[:limit]
    ]


def representatives(
    run: AnalysisRun, cluster: RunCluster, filters: Filters
) -> list[dict[str, Any]]:
    ids = [int(r) for r in cluster.representatives if str(r).isdigit()]
    rows = filters.apply(RunRow.objects.filter(run=run, opinion_id__in=ids))
    found = {o["opinion_id"]: o for o in opinions_of(run, rows, limit=len(ids) or 1)}
    return [found[i] for i in ids if i in found][:REPRESENTATIVES_SHOWN]


def breakdown(rows: QuerySet[RunRow], attribute: str) -> list[dict[str, Any]]:
    """Counts by one attribute, with its Japanese names."""
    _, choices = FILTER_CHOICES[attribute]
    counts = dict(rows.values_list(attribute).annotate(n=Count("id")).values_list(attribute, "n"))
    total = sum(counts.values()) or 1
    out = []
    for value, name in choices:
        if counts.get(value):
            out.append(
                {
                    "value": value,
                    "name": name,
                    "count": counts[value],
                    "share": counts[value] / total,
                }
            )
    if counts.get(""):
        out.append(
            {"value": "", "name": "未回答", "count": counts[""], "share": counts[""] / total}
        )
    return out


def youth_breakdown(rows: QuerySet[RunRow]) -> list[dict[str, Any]]:
    counts = dict(rows.values_list("youth").annotate(n=Count("id")).values_list("youth", "n"))
    total = sum(counts.values()) or 1
    return [
        {
            "name": "子ども・若者",
            "count": counts.get(True, 0),
            "share": counts.get(True, 0) / total,
        },
        {"name": "それ以外", "count": counts.get(False, 0), "share": counts.get(False, 0) / total},
    ]


def comparisons(
    run: AnalysisRun,
    *,
    attribute: str | None = None,
    topic: str | None = None,
    significant_only: bool = False,
) -> list[dict[str, Any]]:
    """The run's tests, minus those about topics staff have since merged away (their
    counts no longer describe a topic on the page)."""
    labels = {c.key: c.label for c in live_clusters(run)}
    out = []
    for c in run.extras.get("comparisons", []):
        if str(c.get("topic")) not in labels:
            continue
        if attribute is not None and c.get("attribute") != attribute:
            continue
        if topic is not None and str(c.get("topic")) != topic:
            continue
        if significant_only and not c.get("significant"):
            continue
        item = dict(c)
        item["topic_label"] = labels.get(str(c.get("topic")), str(c.get("topic")))
        item["attribute_name"], item["group_name"] = _names(
            str(c.get("attribute", "")), str(c.get("group", ""))
        )
        out.append(item)
    return sorted(out, key=lambda c: (not c.get("significant"), -abs(c.get("effect_h", 0.0))))


def duplicate_groups(run: AnalysisRun) -> list[dict[str, Any]]:
    groups = sorted(run.extras.get("duplicate_groups", []), key=lambda g: -int(g.get("size", 0)))
    reps = [int(g["representative"]) for g in groups if str(g.get("representative", "")).isdigit()]
    texts = dict(
        Opinion.objects.filter(pk__in=reps)
        .exclude(status=Opinion.Status.HIDDEN)
        .values_list("pk", "masked_body")
    )
    return [
        {
            **g,
            "text": texts.get(int(g["representative"]), "")
            if str(g.get("representative", "")).isdigit()
            else "",
        }
        for g in groups
    ]


def _names(attribute: str, group: str) -> tuple[str, str]:
    """Japanese names of a comparison's attribute and group."""
    if attribute in FILTER_CHOICES:
        title, choices = FILTER_CHOICES[attribute]
        return title, dict(choices).get(group, group)
    if attribute == "youth" or group == "youth":
        return "子ども・若者", "子ども・若者" if group in {"youth", "1", "true"} else group
    return attribute, group


def youth_comparisons(run: AnalysisRun) -> list[dict[str, Any]]:
    """The library's youth-versus-others tests (its attribute naming, whatever it is)."""
    return [
        c for c in comparisons(run) if c.get("attribute") == "youth" or c.get("group") == "youth"
    ]
