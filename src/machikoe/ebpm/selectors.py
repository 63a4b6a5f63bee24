"""Reads for the EBPM pages: evaluated indicators grouped by perspective, the logic model.

The maths is machikoe.analysis.ebpm; this module only loads rows (in a fixed number of
queries, whatever the number of indicators) and hands plain data to it.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from machikoe.analysis.ebpm import (
    DEFAULT_SCHEME,
    EbpmInputError,
    Evaluation,
    GradingScheme,
    IndicatorSpec,
    Status,
    StatusThresholds,
    evaluate,
    get_scheme,
)
from machikoe.analysis.ebpm import (
    Observation as ObsPoint,
)
from machikoe.analysis.ebpm.chart import figure
from machikoe.ebpm.models import Indicator, Measure, Observation


def configured_thresholds() -> StatusThresholds:
    """見込み thresholds: settings.MACHIKOE_EBPM_STATUS_THRESHOLDS = (likely, unlikely)."""
    likely, unlikely = getattr(settings, "MACHIKOE_EBPM_STATUS_THRESHOLDS", (0.7, 0.3))
    return StatusThresholds(float(likely), float(unlikely))


def configured_scheme() -> GradingScheme:
    """The default grading scheme: settings.MACHIKOE_EBPM_GRADING_SCHEME (a preset id)."""
    return get_scheme(getattr(settings, "MACHIKOE_EBPM_GRADING_SCHEME", DEFAULT_SCHEME.id))


@dataclass(frozen=True)
class SectionInfo:
    code: str
    title: str
    kind: str
    parent_code: str = ""


def plan_sections() -> dict[str, SectionInfo]:
    """Sections of the current plan version by code (empty when no plan is loaded)."""
    from machikoe.plan import selectors as plan_selectors

    version = plan_selectors.current_version()
    if version is None:
        return {}
    out: dict[str, SectionInfo] = {}

    def visit(node: Any, parent_code: str) -> None:
        out[node.code] = SectionInfo(
            code=node.code,
            title=node.section.title,
            kind=node.section.kind,
            parent_code=parent_code,
        )
        for child in node.children:
            visit(child, node.code)

    for root in plan_selectors.tree(version):
        visit(root, "")
    return out


def perspectives(sections: dict[str, SectionInfo]) -> list[SectionInfo]:
    return [s for s in sections.values() if s.kind == "perspective"]


def perspective_of(code: str, sections: dict[str, SectionInfo]) -> str:
    """The perspective code a section code belongs to ("V5-1" → "V5")."""
    info = sections.get(code)
    while info is not None and info.kind != "perspective" and info.parent_code:
        info = sections.get(info.parent_code)
    if info is not None and info.kind == "perspective":
        return info.code
    return code.split("-")[0] if code else ""


def indicators() -> QuerySet[Indicator]:
    return Indicator.objects.prefetch_related(
        "milestones",
        Prefetch(
            "observations",
            queryset=Observation.objects.current().order_by("year", "month"),
            to_attr="current_observations",
        ),
        Prefetch("measures", queryset=Measure.objects.order_by("code")),
    ).order_by("section_code", "order", "code")


@dataclass
class IndicatorView:
    indicator: Indicator
    spec: IndicatorSpec
    points: list[ObsPoint]
    evaluation: Evaluation | None
    error: str = ""
    perspective: str = ""

    @property
    def status(self) -> Status:
        return self.evaluation.status if self.evaluation else Status.UNKNOWN

    def figure(self) -> dict[str, Any]:
        if self.evaluation is None:
            return {"data": [], "layout": {}}
        return figure(self.spec, self.points, self.evaluation)

    def table_rows(self) -> list[dict[str, Any]]:
        """The chart's data as table rows: year, observed, required (直線), required (一定率)."""
        observed = {p.t: p.value for p in self.points}
        ev = self.evaluation
        path = dict(ev.path) if ev else {}
        rate = dict(ev.path_constant_rate) if ev else {}
        years = sorted(set(observed) | {float(y) for y in path})
        rows = []
        for t in years:
            point = next((p for p in self.points if p.t == t), None)
            rows.append(
                {
                    "label": point.label if point else f"{int(t)}",
                    "observed": observed.get(t),
                    "required": path.get(int(t)) if float(t).is_integer() else None,
                    "required_rate": rate.get(int(t)) if float(t).is_integer() else None,
                }
            )
        return rows


def evaluated(
    *,
    year: int | None = None,
    scheme: GradingScheme | None = None,
    thresholds: StatusThresholds | None = None,
    queryset: QuerySet[Indicator] | None = None,
    sections: dict[str, SectionInfo] | None = None,
) -> list[IndicatorView]:
    """Every indicator with its evaluation (the maths never raises here: errors are shown)."""
    year = year if year is not None else _dt.date.today().year
    sections = plan_sections() if sections is None else sections
    scheme = scheme or configured_scheme()
    thresholds = thresholds or configured_thresholds()
    views = []
    for indicator in queryset if queryset is not None else indicators():
        spec = indicator.spec()
        observations = getattr(indicator, "current_observations", None)
        if observations is None:
            observations = list(indicator.observations.current().order_by("year", "month"))
        points = [o.point() for o in observations]
        try:
            result: Evaluation | None = evaluate(
                spec, points, year=year, scheme=scheme, thresholds=thresholds
            )
            error = ""
        except EbpmInputError as exc:
            result, error = None, exc.message
        views.append(
            IndicatorView(
                indicator=indicator,
                spec=spec,
                points=points,
                evaluation=result,
                error=error,
                perspective=perspective_of(indicator.section_code, sections),
            )
        )
    return views


@dataclass
class PerspectiveGroup:
    code: str
    title: str
    items: list[IndicatorView] = field(default_factory=list)
    evidence: Any = None  # machikoe.ebpm.evidence.Evidence, set by the dashboard view

    def summary(self) -> list[tuple[Status, int]]:
        counts = Counter(v.status for v in self.items)
        return [(s, counts[s]) for s in Status if counts[s]]


def grouped(views: list[IndicatorView], sections: dict[str, SectionInfo]) -> list[PerspectiveGroup]:
    """Indicators by perspective, in plan order; perspectives with none are kept (a gap)."""
    groups = {p.code: PerspectiveGroup(p.code, p.title) for p in perspectives(sections)}
    for view in views:
        code = view.perspective or ""
        if code not in groups:
            title = sections[code].title if code in sections else ""
            groups[code] = PerspectiveGroup(code, title)
        groups[code].items.append(view)
    return list(groups.values())


def status_totals(views: list[IndicatorView]) -> list[tuple[Status, int]]:
    counts = Counter(v.status for v in views)
    return [(s, counts[s]) for s in Status if counts[s]]


def observation_history(indicator: Indicator) -> list[Observation]:
    """All rows, current and superseded, newest period first, for the revision history."""
    return list(
        indicator.observations.select_related("supersedes").order_by(
            "-year", "-month", "-recorded_at", "-id"
        )
    )


@dataclass
class LogicModel:
    """measures → outputs → outcome indicators → perspective, with the gaps EBPM cares about."""

    groups: list[dict[str, Any]]
    indicators_without_measure: list[Indicator]
    measures_without_indicator: list[Measure]
    perspectives_without_indicator: list[SectionInfo]


def logic_model(sections: dict[str, SectionInfo] | None = None) -> LogicModel:
    sections = plan_sections() if sections is None else sections
    all_indicators = list(
        Indicator.objects.prefetch_related(
            Prefetch(
                "measures", queryset=Measure.objects.prefetch_related("outputs").order_by("code")
            )
        ).order_by("section_code", "order", "code")
    )
    measures = list(
        Measure.objects.prefetch_related("outputs", "indicators").order_by("section_code", "code")
    )
    by_perspective: dict[str, dict[str, Any]] = {
        p.code: {"perspective": p, "indicators": [], "rows": [], "orphans": []}
        for p in perspectives(sections)
    }

    def group(code: str) -> dict[str, Any]:
        if code not in by_perspective:
            info = sections.get(code) or SectionInfo(code=code, title="", kind="perspective")
            by_perspective[code] = {
                "perspective": info,
                "indicators": [],
                "rows": [],
                "orphans": [],
            }
        return by_perspective[code]

    for indicator in all_indicators:
        group(perspective_of(indicator.section_code, sections))["indicators"].append(indicator)
    # One row per measure and perspective: measure → its outputs → the outcome indicators
    # of that perspective it is meant to move. A measure with no indicator sits under its
    # own section's perspective, with an empty outcome column (a gap).
    for measure in measures:
        targets: dict[str, list[Indicator]] = {}
        for indicator in measure.indicators.all():
            targets.setdefault(perspective_of(indicator.section_code, sections), []).append(
                indicator
            )
        if not targets:
            targets[perspective_of(measure.section_code, sections)] = []
        for code, moved in targets.items():
            group(code)["rows"].append({"measure": measure, "indicators": moved})
    for indicator in all_indicators:
        if not indicator.measures.all():
            group(perspective_of(indicator.section_code, sections))["orphans"].append(indicator)
    covered = {perspective_of(i.section_code, sections) for i in all_indicators}
    return LogicModel(
        groups=list(by_perspective.values()),
        indicators_without_measure=[i for i in all_indicators if not i.measures.all()],
        measures_without_indicator=[m for m in measures if not m.indicators.all()],
        perspectives_without_indicator=[p for p in perspectives(sections) if p.code not in covered],
    )
