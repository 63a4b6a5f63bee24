"""One call that evaluates an indicator: rates, grade, path, gap, projection and status.

Every figure that cannot be computed is None, with the reason in `messages` (Japanese),
so a page or a report can say why instead of showing a misleading number.

Status (見込み) from the predictive probability p that the target is met in the target
year (see `projection`): 達成見込み p ≥ 0.7, 要注意 0.3 ≤ p < 0.7, 未達見込み p < 0.3
(thresholds configurable), and 達成済み when the latest value already meets the target.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

from machikoe.analysis.ebpm.backcast import Path, gap
from machikoe.analysis.ebpm.grading import DEFAULT_SCHEME, GradingScheme, grade_baseline_relative
from machikoe.analysis.ebpm.projection import Projection, TrendFit
from machikoe.analysis.ebpm.rates import achievement_rate, progress_rate
from machikoe.analysis.ebpm.types import (
    Direction,
    EbpmInputError,
    IndicatorSpec,
    Observation,
    Series,
    meets,
)

T = TypeVar("T")

# The keys `machikoe ebpm evaluate --json` writes, in this order (as the issue names them).
CLI_KEYS = (
    "id",
    "latest_year",
    "latest_value",
    "progress_rate",
    "achievement_rate",
    "grade",
    "required_value",
    "gap",
    "projected_value",
    "projection_interval",
    "probability",
    "status",
)


class Status(StrEnum):
    ACHIEVED = "achieved"
    LIKELY = "likely"
    CAUTION = "caution"
    UNLIKELY = "unlikely"
    UNKNOWN = "unknown"
    NO_TARGET = "no_target"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def css(self) -> str:
        return {
            Status.ACHIEVED: "status-ok",
            Status.LIKELY: "status-ok",
            Status.CAUTION: "status-warn",
            Status.UNLIKELY: "status-bad",
        }.get(self, "")


STATUS_LABELS = {
    Status.ACHIEVED: "達成済み",
    Status.LIKELY: "達成見込み",
    Status.CAUTION: "要注意",
    Status.UNLIKELY: "未達見込み",
    Status.UNKNOWN: "判定不可",
    Status.NO_TARGET: "目標なし",
}


@dataclass(frozen=True)
class StatusThresholds:
    """p ≥ likely → 達成見込み; p < unlikely → 未達見込み; otherwise 要注意."""

    likely: float = 0.7
    unlikely: float = 0.3

    def __post_init__(self) -> None:
        if not 0.0 <= self.unlikely <= self.likely <= 1.0:
            raise EbpmInputError("見込み判定の閾値は 0 ≤ 未達 ≤ 達成 ≤ 1 にしてください。")

    def classify(self, p: float) -> Status:
        if p >= self.likely:
            return Status.LIKELY
        if p >= self.unlikely:
            return Status.CAUTION
        return Status.UNLIKELY


@dataclass(frozen=True)
class Evaluation:
    """Everything the dashboard, the CLI and the report show for one indicator."""

    id: str
    name: str
    unit: str
    direction: str
    year: int
    latest_year: int | None = None
    latest_month: int | None = None
    latest_value: float | None = None
    progress_rate: float | None = None
    achievement_rate: float | None = None
    grade: str | None = None
    grade_scheme: str = DEFAULT_SCHEME.id
    grade_figure: float | None = None
    required_value: float | None = None
    required_value_constant_rate: float | None = None
    required_at_latest: float | None = None
    gap: float | None = None
    vision_required_value: float | None = None
    vision_gap: float | None = None
    projected_value: float | None = None
    projection_interval: tuple[float, float] | None = None
    probability: float | None = None
    projection_log: Projection | None = None
    projection: Projection | None = None
    status: Status = Status.UNKNOWN
    path: tuple[tuple[int, float], ...] = ()
    path_constant_rate: tuple[tuple[int, float], ...] = ()
    vision_path: tuple[tuple[int, float], ...] = ()
    missing_years: tuple[int, ...] = ()
    n_observations: int = 0
    messages: tuple[str, ...] = field(default_factory=tuple)

    @property
    def status_label(self) -> str:
        return self.status.label

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["status"] = self.status.label
        data["status_code"] = self.status.value
        data["projection_interval"] = (
            list(self.projection_interval) if self.projection_interval else None
        )
        data["path"] = [list(p) for p in self.path]
        data["path_constant_rate"] = [list(p) for p in self.path_constant_rate]
        data["vision_path"] = [list(p) for p in self.vision_path]
        data["missing_years"] = list(self.missing_years)
        data["messages"] = list(self.messages)
        return data

    def to_cli_dict(self) -> dict[str, Any]:
        """Exactly the keys of `machikoe ebpm evaluate --json` (built directly: no deep copy)."""
        return {
            "id": self.id,
            "latest_year": self.latest_year,
            "latest_value": self.latest_value,
            "progress_rate": self.progress_rate,
            "achievement_rate": self.achievement_rate,
            "grade": self.grade,
            "required_value": self.required_value,
            "gap": self.gap,
            "projected_value": self.projected_value,
            "projection_interval": (
                list(self.projection_interval) if self.projection_interval else None
            ),
            "probability": self.probability,
            "status": self.status.label,
        }


def _attempt(messages: list[str], fn: Callable[[], T]) -> T | None:
    try:
        return fn()
    except EbpmInputError as exc:
        if exc.message not in messages:
            messages.append(exc.message)
        return None


def _grade(
    spec: IndicatorSpec,
    latest: Observation,
    scheme: GradingScheme,
    achievement: float | None,
    required_at_latest: float | None,
) -> tuple[str | None, float | None]:
    """(grade, the figure graded) on the scheme's basis."""
    assert spec.target_value is not None
    up = spec.direction is Direction.UP
    if scheme.basis == "achievement":
        return (None, None) if achievement is None else (scheme.grade(achievement), achievement)
    if scheme.basis == "path":
        if required_at_latest is None:
            raise EbpmInputError(
                "年次按分目標（必要値）を計算できないため、この評価基準は使えません。"
            )
        figure = achievement_rate(latest.value, required_at_latest, spec.direction)
        return scheme.grade(figure), figure
    if scheme.basis == "pace":
        if not spec.has_baseline or spec.baseline_year is None or spec.target_year is None:
            raise EbpmInputError("ペース達成率には基準年・基準値・目標年が必要です。")
        assert spec.baseline_value is not None
        elapsed = latest.t - spec.baseline_year
        if elapsed <= 0:
            raise EbpmInputError("基準年より後の観測値がないため、ペース達成率を計算できません。")
        if spec.baseline_value <= 0 or latest.value <= 0 or spec.target_value <= 0:
            raise EbpmInputError(
                "ペース達成率は基準値・最新値・目標値がすべて正のときだけ計算できます。"
            )
        actual = (latest.value / spec.baseline_value) ** (1.0 / elapsed) - 1.0
        needed = (spec.target_value / spec.baseline_value) ** (
            1.0 / (spec.target_year - spec.baseline_year)
        ) - 1.0
        figure = actual / needed * 100.0
        return scheme.grade(figure), figure
    if scheme.basis == "baseline":
        if spec.baseline_value is None:
            raise EbpmInputError("基準値がないため、基準値との比較による評価ができません。")
        grade = grade_baseline_relative(
            latest.value, spec.baseline_value, spec.target_value, up=up, band=scheme.band
        )
        return grade, None
    raise EbpmInputError(f"評価の基準「{scheme.basis}」が分かりません。")  # pragma: no cover


def evaluate(
    spec: IndicatorSpec,
    observations: Iterable[Observation] | Series,
    *,
    year: int | None = None,
    scheme: GradingScheme = DEFAULT_SCHEME,
    thresholds: StatusThresholds | None = None,
    level: float = 0.90,
) -> Evaluation:
    """Evaluate one indicator against its target in `year` (default: this calendar year).

    Raises EbpmInputError only for an inconsistent spec or duplicated observations (bad
    input); figures that merely cannot be computed are None with a message.
    """
    spec.validate()
    series = observations if isinstance(observations, Series) else Series.of(observations)
    thresholds = thresholds or StatusThresholds()
    year = year if year is not None else _dt.date.today().year
    messages: list[str] = []
    result: dict[str, Any] = {
        "id": spec.id,
        "name": spec.name,
        "unit": spec.unit,
        "direction": spec.direction.value,
        "year": year,
        "grade_scheme": scheme.id,
        "n_observations": len(series),
        "missing_years": tuple(series.missing_years()),
    }
    if result["missing_years"]:
        years = "、".join(str(y) for y in result["missing_years"])
        messages.append(f"観測値のない年があります: {years}")

    latest = series.latest
    if latest is not None:
        result.update(
            latest_year=latest.year, latest_month=latest.month, latest_value=float(latest.value)
        )
    else:
        messages.append("観測値がまだありません。")

    if not spec.has_target:
        messages.append("目標値が設定されていません（参考指標）。達成の判定はしません。")
        result["status"] = Status.NO_TARGET
        result["messages"] = tuple(messages)
        return Evaluation(**result)
    assert spec.target_value is not None and spec.target_year is not None
    target = spec.target_value

    # Backcasting paths (need baseline year and value).
    path: Path | None = None
    if spec.baseline_year is not None and spec.baseline_value is not None:
        base_year, base_value = spec.baseline_year, spec.baseline_value
        path = _attempt(
            messages,
            lambda: Path.build(
                base_year, base_value, spec.target_year or 0, target, spec.milestones
            ),
        )
        if path is not None:
            result["path"] = tuple(path.yearly())
            result["required_value"] = path.value(year)
            rate_path = _attempt(
                messages,
                lambda: Path.build(
                    base_year,
                    base_value,
                    spec.target_year or 0,
                    target,
                    spec.milestones,
                    method="constant_rate",
                ),
            )
            if rate_path is not None:
                result["path_constant_rate"] = tuple(rate_path.yearly())
                result["required_value_constant_rate"] = rate_path.value(year)
        if spec.vision_year is not None and spec.vision_value is not None:
            vision_year, vision_value = spec.vision_year, spec.vision_value
            vision = _attempt(
                messages, lambda: Path.build(base_year, base_value, vision_year, vision_value)
            )
            if vision is not None:
                result["vision_path"] = tuple(vision.yearly())
                result["vision_required_value"] = vision.value(year)
                if latest is not None:
                    result["vision_gap"] = gap(latest.value, vision.value(latest.t))
    else:
        messages.append(
            "基準年または基準値がないため、必要な道筋（バックキャスティング）は計算できません。"
        )

    if latest is not None:
        if spec.baseline_value is not None:
            base = spec.baseline_value
            result["progress_rate"] = _attempt(
                messages, lambda: progress_rate(latest.value, base, target)
            )
        else:
            messages.append("基準値がないため、進捗率は計算できません。")
        result["achievement_rate"] = _attempt(
            messages, lambda: achievement_rate(latest.value, target, spec.direction)
        )
        if spec.direction is Direction.DOWN and target == 0 and latest.value > 0:
            messages.append(
                "目標値が0のため、達成率（目標値÷最新値）は目標に届くまで0%です。進捗率も見てください。"
            )
        if path is not None:
            result["required_at_latest"] = path.value(latest.t)
            result["gap"] = gap(latest.value, result["required_at_latest"])
        graded = _attempt(
            messages,
            lambda: _grade(
                spec,
                latest,
                scheme,
                result.get("achievement_rate"),
                result.get("required_at_latest"),
            ),
        )
        if graded is not None:
            result["grade"], result["grade_figure"] = graded

    # Projections to the target year.
    if len(series) >= 3:
        fit = _attempt(messages, lambda: TrendFit(level=level).fit(series.times(), series.values()))
        if fit is not None:
            proj = fit.projection(float(spec.target_year), target, spec.direction)
            if proj.low < 0 <= min(series.values()):
                messages.append(
                    "線形の予測（区間）が0を下回っています。負にならない指標では、"
                    "傾向がそのまま続くとは限らない点に注意してください。"
                )
            result.update(
                projection=proj,
                projected_value=proj.value,
                projection_interval=(proj.low, proj.high),
                probability=proj.probability,
            )
        log_fit = _attempt(
            messages,
            lambda: TrendFit(level=level, model="log_linear").fit(series.times(), series.values()),
        )
        if log_fit is not None:
            result["projection_log"] = log_fit.projection(
                float(spec.target_year), target, spec.direction
            )
    elif latest is not None:
        messages.append(f"観測値が{len(series)}件のため予測はしません（少なくとも3件必要です）。")

    if latest is not None and meets(spec.direction, latest.value, target):
        result["status"] = Status.ACHIEVED
        messages.append(
            f"最新値（{latest.value:g}{spec.unit}）は目標値（{target:g}{spec.unit}）に既に到達しています。"
        )
    elif result.get("probability") is not None:
        result["status"] = thresholds.classify(result["probability"])
    else:
        result["status"] = Status.UNKNOWN
    result["messages"] = tuple(messages)
    return Evaluation(**result)


def evaluate_many(
    specs: Iterable[IndicatorSpec],
    observations: dict[str, list[Observation]],
    **kwargs: Any,
) -> list[Evaluation]:
    """Evaluate each spec with its observations (by spec id)."""
    return [evaluate(spec, observations.get(spec.id, []), **kwargs) for spec in specs]
