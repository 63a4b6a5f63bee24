"""OLS projection, 90 % prediction interval and predictive probability."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy import stats

from machikoe.analysis.ebpm import Direction, EbpmInputError, TrendFit, project

values = st.floats(min_value=-1e4, max_value=1e4, allow_nan=False, allow_infinity=False)


def test_hand_computed_interval() -> None:
    # x = 2020..2023, y = 1, 3, 2, 4: slope 0.8, intercept at x̄=2021.5 is 2.5.
    x = [2020, 2021, 2022, 2023]
    y = [1.0, 3.0, 2.0, 4.0]
    proj = project(x, y, 2025, target=5.0)
    slope = 0.8
    centre = 2.5 + slope * (2025 - 2021.5)
    residuals = np.array(y) - (2.5 + slope * (np.array(x) - 2021.5))
    s = math.sqrt(float((residuals**2).sum()) / 2)
    se = s * math.sqrt(1 + 1 / 4 + (2025 - 2021.5) ** 2 / 5.0)
    half = stats.t.ppf(0.95, 2) * se
    assert proj.slope == pytest.approx(slope)
    assert proj.value == pytest.approx(centre)
    assert (proj.low, proj.high) == pytest.approx((centre - half, centre + half))
    assert proj.probability == pytest.approx(1 - stats.t.cdf((5.0 - centre) / se, 2))
    assert proj.dof == 2 and proj.n == 4


def test_matches_scipy_linregress() -> None:
    rng = np.random.default_rng(7)
    x = np.arange(2010, 2024, dtype=float)
    y = 3.0 - 0.4 * (x - 2010) + rng.normal(0, 0.3, len(x))
    fit = TrendFit().fit(x, y)
    reference = stats.linregress(x, y)
    assert fit.slope_ == pytest.approx(reference.slope)
    assert fit.intercept_ == pytest.approx(reference.intercept)


def test_needs_three_observations_and_two_distinct_years() -> None:
    with pytest.raises(EbpmInputError, match="少なくとも3件"):
        project([2020, 2021], [1, 2], 2030)
    with pytest.raises(EbpmInputError, match="同じ年"):
        project([2020, 2020, 2020], [1, 2, 3], 2030)


def test_log_linear_variant() -> None:
    x = [2020, 2021, 2022, 2023]
    y = [100.0, 90.0, 81.0, 72.9]  # −10 % a year exactly
    proj = project(x, y, 2025, model="log_linear", target=60.0, direction=Direction.DOWN)
    assert proj.value == pytest.approx(100 * 0.9**5)
    assert proj.low == pytest.approx(proj.value) and proj.high == pytest.approx(proj.value)
    assert proj.probability == 1.0  # 59.05 ≤ 60 with no spread
    with pytest.raises(EbpmInputError, match="すべて正"):
        project(x, [1, 0, 2, 3], 2025, model="log_linear")


@given(
    st.floats(-100, 100, allow_nan=False),
    st.floats(-1e3, 1e3, allow_nan=False),
    st.integers(3, 12),
    st.integers(2025, 2050),
)
def test_projection_of_a_perfect_line_is_that_line(
    slope: float, intercept: float, n: int, x0: int
) -> None:
    xs = list(range(2010, 2010 + n))
    ys = [intercept + slope * (x - 2010) for x in xs]
    proj = project(xs, ys, x0)
    expected = intercept + slope * (x0 - 2010)
    tolerance = 1e-6 * max(1.0, abs(expected), abs(slope) * 40)
    assert proj.value == pytest.approx(expected, abs=tolerance)
    assert proj.high - proj.low == pytest.approx(0.0, abs=tolerance)


@given(st.lists(values, min_size=3, max_size=10), st.integers(2024, 2060))
def test_interval_contains_the_point(ys: list[float], x0: int) -> None:
    xs = list(range(2010, 2010 + len(ys)))
    proj = project(xs, ys, x0)
    assert proj.low <= proj.value <= proj.high


@settings(max_examples=60)
@given(st.lists(values, min_size=3, max_size=8), values, values)
def test_probability_is_monotone_in_the_target(ys: list[float], t1: float, t2: float) -> None:
    assume(len(set(ys)) > 1)
    xs = list(range(2015, 2015 + len(ys)))
    fit = TrendFit().fit(xs, ys)
    low, high = sorted((t1, t2))
    # Higher is better: a higher target is harder to meet.
    assert fit.probability(2030, low, Direction.UP) >= fit.probability(2030, high, Direction.UP)
    # Lower is better: a higher target is easier to meet.
    assert fit.probability(2030, low, Direction.DOWN) <= fit.probability(2030, high, Direction.DOWN)
    for target in (low, high):
        p_up = fit.probability(2030, target, Direction.UP)
        p_down = fit.probability(2030, target, Direction.DOWN)
        assert 0.0 <= p_up <= 1.0
        if fit.s_ > 0:  # with no spread, a value exactly at the target meets both ways
            assert p_up + p_down == pytest.approx(1.0)


def test_probability_is_one_half_at_the_projected_value() -> None:
    fit = TrendFit().fit([2019, 2020, 2021, 2022], [2.0, 3.5, 3.0, 5.0])
    centre = fit.predict(2030)[0]
    assert fit.probability(2030, centre, Direction.UP) == pytest.approx(0.5)


@given(st.floats(-50, 50, allow_nan=False), st.integers(1, 60), st.floats(0.01, 0.99))
def test_t_functions_agree_with_scipy_stats_t(z: float, dof: int, q: float) -> None:
    from machikoe.analysis.ebpm.projection import t_cdf, t_quantile

    assert t_cdf(z, dof) == pytest.approx(stats.t.cdf(z, dof), abs=1e-12)
    assert t_quantile(q, dof) == pytest.approx(stats.t.ppf(q, dof), rel=1e-9)
