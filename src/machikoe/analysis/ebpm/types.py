"""Plain data for indicators: the specification of an indicator and its observations.

These are frozen dataclasses so the maths can be used from a notebook, the CLI or the
Django app alike. Validation lives here because every entry point needs the same rules
(target year after baseline year, a real direction, no duplicated years).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class EbpmInputError(ValueError):
    """Bad input for the indicator maths, with a Japanese message for people.

    `row` and `column` say where in a file the problem is, when it came from a file.
    """

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column


class Direction(StrEnum):
    """Whether a higher (up) or a lower (down) value is better."""

    UP = "up"
    DOWN = "down"

    @classmethod
    def parse(cls, value: str) -> Direction:
        text = (value or "").strip().lower()
        aliases = {
            "up": cls.UP,
            "higher": cls.UP,
            "increase": cls.UP,
            "↑": cls.UP,
            "上昇": cls.UP,
            "増加": cls.UP,
            "高いほど良い": cls.UP,
            "down": cls.DOWN,
            "lower": cls.DOWN,
            "decrease": cls.DOWN,
            "↓": cls.DOWN,
            "減少": cls.DOWN,
            "低下": cls.DOWN,
            "低いほど良い": cls.DOWN,
        }
        if text not in aliases:
            raise EbpmInputError(
                f"方向「{value}」が分かりません。up（高いほど良い）か down（低いほど良い）を指定してください。",
                column="direction",
            )
        return aliases[text]

    @property
    def label(self) -> str:
        return "高いほど良い" if self is Direction.UP else "低いほど良い"


@dataclass(frozen=True)
class Milestone:
    """An intermediate target: `value` to be reached by `year`."""

    year: int
    value: float


@dataclass(frozen=True)
class Observation:
    """One observed value. `month` is None for a yearly (or fiscal-year) value."""

    year: int
    value: float
    month: int | None = None

    @property
    def t(self) -> float:
        """Time on a year scale: monthly values sit inside their year (January = year + 0)."""
        return float(self.year) if not self.month else self.year + (self.month - 1) / 12.0

    @property
    def label(self) -> str:
        return f"{self.year}" if not self.month else f"{self.year}-{self.month:02d}"


@dataclass(frozen=True)
class IndicatorSpec:
    """What an indicator promises: direction, baseline, target, milestones, vision.

    Baseline and target may be unknown (None): a monitoring indicator (参考指標) has no
    target, and public sources sometimes give no baseline year. The maths then says which
    figure cannot be computed and why, instead of guessing.
    """

    id: str
    name: str
    unit: str = ""
    direction: Direction = Direction.UP
    baseline_year: int | None = None
    baseline_value: float | None = None
    target_year: int | None = None
    target_value: float | None = None
    milestones: tuple[Milestone, ...] = ()
    vision_year: int | None = None
    vision_value: float | None = None

    def validate(self) -> IndicatorSpec:
        """Raise EbpmInputError on contradictory figures; return self for chaining."""
        for name in ("baseline_value", "target_value", "vision_value"):
            value = getattr(self, name)
            if value is not None and not math.isfinite(value):
                raise EbpmInputError(f"{name} が数値ではありません。", column=name)
        # A baseline value without its year is allowed (public sources sometimes omit it):
        # rates work, the backcasting path needs the year and says so.
        if self.baseline_year is not None and self.baseline_value is None:
            raise EbpmInputError("基準年があるのに基準値がありません。", column="baseline_value")
        if (self.target_year is None) != (self.target_value is None):
            column = "target_year" if self.target_year is None else "target_value"
            raise EbpmInputError("目標年と目標値は両方とも指定してください。", column=column)
        if (
            self.baseline_year is not None
            and self.target_year is not None
            and self.target_year <= self.baseline_year
        ):
            raise EbpmInputError(
                f"目標年（{self.target_year}）が基準年（{self.baseline_year}）より後ではありません。",
                column="target_year",
            )
        if self.baseline_value is not None and self.target_value is not None:
            if self.baseline_value == self.target_value:
                raise EbpmInputError(
                    "目標値が基準値と同じです。進捗率を計算できないため、目標値を見直してください。",
                    column="target_value",
                )
            if not _improves(self.direction, self.baseline_value, self.target_value):
                raise EbpmInputError(
                    f"目標値（{self.target_value:g}）は基準値（{self.baseline_value:g}）の時点で既に"
                    f"達成されています（方向: {self.direction.label}）。方向か目標値を確認してください。",
                    column="target_value",
                )
        years = [m.year for m in self.milestones]
        if len(set(years)) != len(years):
            raise EbpmInputError("中間目標の年が重複しています。", column="milestones")
        if self.vision_year is not None or self.vision_value is not None:
            if self.vision_year is None or self.vision_value is None:
                raise EbpmInputError(
                    "長期ビジョンの年と値は両方とも指定してください。", column="vision_year"
                )
            if self.baseline_year is not None and self.vision_year <= self.baseline_year:
                raise EbpmInputError(
                    f"長期ビジョンの年（{self.vision_year}）が基準年より後ではありません。",
                    column="vision_year",
                )
        return self

    @property
    def has_target(self) -> bool:
        return self.target_year is not None and self.target_value is not None

    @property
    def has_baseline(self) -> bool:
        return self.baseline_year is not None and self.baseline_value is not None

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["direction"] = self.direction.value
        data["milestones"] = [asdict(m) for m in self.milestones]
        return data


def _improves(direction: Direction, start: float, end: float) -> bool:
    return end > start if direction is Direction.UP else end < start


def meets(direction: Direction, value: float, target: float) -> bool:
    """Whether `value` meets `target`: at or above for up, at or below for down."""
    return value >= target if direction is Direction.UP else value <= target


@dataclass(frozen=True)
class Series:
    """Observations of one indicator, sorted by time, with no duplicated (year, month)."""

    observations: tuple[Observation, ...] = field(default_factory=tuple)

    @classmethod
    def of(cls, observations: Iterable[Observation]) -> Series:
        items = sorted(observations, key=lambda o: o.t)
        seen: set[tuple[int, int | None]] = set()
        for obs in items:
            key = (obs.year, obs.month)
            if key in seen:
                raise EbpmInputError(
                    f"{obs.label} の観測値が重複しています。どちらか一方にするか、改定として登録してください。",
                    column="year",
                )
            if not math.isfinite(obs.value):
                raise EbpmInputError(f"{obs.label} の観測値が数値ではありません。", column="value")
            seen.add(key)
        return cls(tuple(items))

    def __len__(self) -> int:
        return len(self.observations)

    @property
    def latest(self) -> Observation | None:
        return self.observations[-1] if self.observations else None

    def times(self) -> list[float]:
        return [o.t for o in self.observations]

    def values(self) -> list[float]:
        return [o.value for o in self.observations]

    def missing_years(self) -> list[int]:
        """Years with no value between the first and the last yearly observation."""
        years = sorted({o.year for o in self.observations})
        if len(years) < 2:
            return []
        present = set(years)
        return [y for y in range(years[0], years[-1] + 1) if y not in present]


def series_from_pairs(pairs: Sequence[tuple[int, float]]) -> Series:
    """Convenience for tests and notebooks: [(year, value), ...] → Series."""
    return Series.of(Observation(int(y), float(v)) for y, v in pairs)
