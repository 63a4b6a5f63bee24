"""Projection: where the observed trend leads by the target year, and how sure we can be.

Ordinary least squares on (year, value) — or on (year, log value) for the log-linear
variant, i.e. a constant percentage change per year — carried to the target year x0:

    ŷ0 = a + b·x0,  b = Σ(x − x̄)(y − ȳ) / Σ(x − x̄)²,  a = ȳ − b·x̄
    s² = Σ(y − a − b·x)² / (n − 2)
    se_pred = s · √(1 + 1/n + (x0 − x̄)² / Σ(x − x̄)²)

The 90 % prediction interval is ŷ0 ± t(0.95; n − 2) · se_pred, and the predictive
probability that the target T is met is, with the same Student t distribution,

    p = P(Y0 ≥ T) = 1 − F_t((T − ŷ0) / se_pred; n − 2)   (higher is better)
    p = P(Y0 ≤ T) = F_t((T − ŷ0) / se_pred; n − 2)        (lower is better)

For the log-linear variant the same is done on log values and mapped back with exp (the
point is then the median). At least three observations are needed (two leave no degrees
of freedom to estimate the spread).

F_t and its inverse are scipy.special.stdtr / stdtrit: the same Student t functions that
scipy.stats.t.cdf / .ppf evaluate (tests check they agree), without the ~100 µs per call
overhead of the generic distribution machinery, which dominated the evaluation time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Literal

import numpy as np
from scipy import special

from machikoe.analysis.ebpm.types import Direction, EbpmInputError

Model = Literal["linear", "log_linear"]
MIN_OBSERVATIONS = 3


@dataclass(frozen=True)
class Projection:
    """A fitted trend carried to year `x0`, with its prediction interval and probability."""

    model: Model
    x0: float
    value: float
    low: float
    high: float
    level: float
    slope: float
    intercept: float
    se_pred: float
    dof: int
    n: int
    probability: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def at(self, x: float) -> float:
        """The fitted trend at x (in value units; exp for log-linear)."""
        y = self.intercept + self.slope * x
        return math.exp(y) if self.model == "log_linear" else y


def t_cdf(z: float, dof: int) -> float:
    """F_t(z; dof), the Student t distribution function (= scipy.stats.t.cdf)."""
    return float(special.stdtr(dof, z))


def t_quantile(q: float, dof: int) -> float:
    """F_t⁻¹(q; dof) (= scipy.stats.t.ppf)."""
    return float(special.stdtrit(dof, q))


class TrendFit:
    """OLS fit of y on x with Student t predictions (estimator contract: fit returns self).

    >>> TrendFit().fit([2020, 2021, 2022], [1.0, 2.0, 3.0]).predict(2023)[0]
    4.0
    """

    def __init__(self, *, level: float = 0.90, model: Model = "linear") -> None:
        self.level = level
        self.model = model

    def fit(self, x: Sequence[float], y: Sequence[float]) -> TrendFit:
        xs = np.asarray(x, dtype=float)
        ys = np.asarray(y, dtype=float)
        n = len(xs)
        if n < MIN_OBSERVATIONS:
            raise EbpmInputError(
                f"観測値が{n}件しかありません。予測には少なくとも{MIN_OBSERVATIONS}件の観測値が必要です。"
            )
        if self.model == "log_linear":
            if np.any(ys <= 0):
                raise EbpmInputError(
                    "対数線形の予測は、観測値がすべて正のときだけ計算できます（0以下の値があります）。"
                )
            ys = np.log(ys)
        x_mean = float(xs.mean())
        sxx = float(((xs - x_mean) ** 2).sum())
        if sxx == 0.0:
            raise EbpmInputError("観測値がすべて同じ年のため、傾向を推定できません。")
        slope = float(((xs - x_mean) * (ys - ys.mean())).sum() / sxx)
        intercept = float(ys.mean() - slope * x_mean)
        residuals = ys - (intercept + slope * xs)
        dof = n - 2
        sse = float((residuals**2).sum())
        # Rounding leaves ~1e-30 on a perfect line; treat that as exactly zero spread.
        scale = max(1.0, float(np.abs(ys).max()))
        if sse <= (1e-12 * scale) ** 2 * n:
            sse = 0.0
        self.n_ = n
        self.dof_ = dof
        self.x_mean_ = x_mean
        self.sxx_ = sxx
        self.slope_ = slope
        self.intercept_ = intercept
        self.s_ = math.sqrt(sse / dof)
        return self

    def se_pred(self, x0: float) -> float:
        return self.s_ * math.sqrt(1.0 + 1.0 / self.n_ + (x0 - self.x_mean_) ** 2 / self.sxx_)

    def predict(self, x0: float) -> tuple[float, float, float]:
        """(point, low, high) at x0 on the value scale."""
        centre = self.intercept_ + self.slope_ * x0
        half = t_quantile(0.5 + self.level / 2.0, self.dof_) * self.se_pred(x0)
        low, high = centre - half, centre + half
        if self.model == "log_linear":
            return math.exp(centre), math.exp(low), math.exp(high)
        return centre, low, high

    def probability(self, x0: float, target: float, direction: Direction) -> float:
        """Predictive probability that the value at x0 meets `target` (≥ up, ≤ down)."""
        centre = self.intercept_ + self.slope_ * x0
        if self.model == "log_linear":
            if target <= 0:
                # Every positive value is above a non-positive target.
                return 1.0 if direction is Direction.UP else 0.0
            target = math.log(target)
        se = self.se_pred(x0)
        if se == 0.0:
            meets = centre >= target if direction is Direction.UP else centre <= target
            return 1.0 if meets else 0.0
        z = (target - centre) / se
        below = t_cdf(z, self.dof_)
        return 1.0 - below if direction is Direction.UP else below

    def projection(
        self, x0: float, target: float | None = None, direction: Direction = Direction.UP
    ) -> Projection:
        value, low, high = self.predict(x0)
        p = None if target is None else self.probability(x0, target, direction)
        return Projection(
            model=self.model,
            x0=x0,
            value=value,
            low=low,
            high=high,
            level=self.level,
            slope=self.slope_,
            intercept=self.intercept_,
            se_pred=self.se_pred(x0),
            dof=self.dof_,
            n=self.n_,
            probability=p,
        )


def project(
    x: Sequence[float],
    y: Sequence[float],
    x0: float,
    *,
    target: float | None = None,
    direction: Direction = Direction.UP,
    model: Model = "linear",
    level: float = 0.90,
) -> Projection:
    """Fit and carry the trend to x0 in one call."""
    return TrendFit(level=level, model=model).fit(x, y).projection(x0, target, direction)
