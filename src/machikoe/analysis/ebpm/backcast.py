"""Backcasting: the value the ward must reach each year to arrive at its target on time.

Starting from the future (the target, or a long-term vision such as zero carbon by 2050)
and working back to today:

* linear path (直線): required(y) = baseline + (target − baseline) × (y − y0) / (yT − y0)
* constant-rate path (一定率): required(y) = baseline × (target / baseline) ^ ((y − y0) / (yT − y0))
  — the same percentage change every year; only defined when baseline and target are
  both positive (a rate of change from or to zero or a negative value has no meaning).

With milestones, the path is piecewise: it runs from the baseline through each milestone
to the target, each leg with the chosen method.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from machikoe.analysis.ebpm.types import EbpmInputError, Milestone

Method = Literal["linear", "constant_rate"]


def required_linear(y: float, y0: float, baseline: float, yt: float, target: float) -> float:
    """baseline + (target − baseline)·(y − y0)/(yT − y0)."""
    if yt == y0:
        raise EbpmInputError("目標年と基準年が同じため、必要な道筋を計算できません。")
    return baseline + (target - baseline) * (y - y0) / (yt - y0)


def required_constant_rate(y: float, y0: float, baseline: float, yt: float, target: float) -> float:
    """baseline·(target/baseline)^((y − y0)/(yT − y0)); refused unless both are positive."""
    if yt == y0:
        raise EbpmInputError("目標年と基準年が同じため、必要な道筋を計算できません。")
    if baseline <= 0 or target <= 0:
        raise EbpmInputError(
            "一定率の道筋は基準値と目標値がともに正のときだけ計算できます"
            f"（基準値 {baseline:g}、目標値 {target:g}）。直線の道筋を使ってください。"
        )
    return baseline * (target / baseline) ** ((y - y0) / (yt - y0))


def annual_rate(y0: float, baseline: float, yt: float, target: float) -> float:
    """The constant yearly rate of change (as a fraction) that the constant-rate path implies."""
    if baseline <= 0 or target <= 0:
        raise EbpmInputError("年平均変化率は基準値と目標値がともに正のときだけ計算できます。")
    return float((target / baseline) ** (1.0 / (yt - y0)) - 1.0)


@dataclass(frozen=True)
class Path:
    """A required path through anchor points (baseline, milestones…, target)."""

    anchors: tuple[tuple[int, float], ...]
    method: Method = "linear"

    @classmethod
    def build(
        cls,
        baseline_year: int,
        baseline: float,
        target_year: int,
        target: float,
        milestones: Sequence[Milestone] = (),
        method: Method = "linear",
    ) -> Path:
        if target_year <= baseline_year:
            raise EbpmInputError(
                f"目標年（{target_year}）が基準年（{baseline_year}）より後ではありません。"
            )
        points = [(baseline_year, baseline)]
        for m in sorted(milestones, key=lambda m: m.year):
            if not baseline_year < m.year < target_year:
                raise EbpmInputError(
                    f"中間目標の年（{m.year}）は基準年と目標年の間にしてください。"
                )
            points.append((m.year, m.value))
        points.append((target_year, target))
        if method == "constant_rate" and any(v <= 0 for _, v in points):
            raise EbpmInputError(
                "一定率の道筋は基準値・中間目標・目標値がすべて正のときだけ計算できます。"
                "直線の道筋を使ってください。"
            )
        return cls(tuple(points), method)

    @property
    def start_year(self) -> int:
        return self.anchors[0][0]

    @property
    def end_year(self) -> int:
        return self.anchors[-1][0]

    def value(self, y: float) -> float:
        """Required value in (possibly fractional) year y; outside the path it is held flat
        before the baseline and at the target after the target year."""
        if y <= self.start_year:
            return self.anchors[0][1]
        if y >= self.end_year:
            return self.anchors[-1][1]
        for (ya, va), (yb, vb) in zip(self.anchors, self.anchors[1:], strict=False):
            if ya <= y <= yb:
                if self.method == "constant_rate":
                    return required_constant_rate(y, ya, va, yb, vb)
                return required_linear(y, ya, va, yb, vb)
        raise AssertionError("unreachable")  # pragma: no cover

    def yearly(self) -> list[tuple[int, float]]:
        """The required value for every year from baseline to target (年次の中間目標)."""
        return [(y, self.value(y)) for y in range(self.start_year, self.end_year + 1)]


def gap(latest_value: float, required_value: float) -> float:
    """Gap = latest − required for the latest observation's year (in the indicator's unit).

    Positive means above the path: ahead when higher is better, behind when lower is better.
    """
    return latest_value - required_value
