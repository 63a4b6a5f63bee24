"""Progress rate, achievement rate, grades and backcasting paths: hand-computed cases and
properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from machikoe.analysis.ebpm import (
    DEFAULT_SCHEME,
    PRESETS,
    Direction,
    EbpmInputError,
    Milestone,
    Path,
    achievement_rate,
    get_scheme,
    parse_thresholds,
    progress_rate,
    required_constant_rate,
    required_linear,
)
from machikoe.analysis.ebpm.backcast import annual_rate, gap
from machikoe.analysis.ebpm.grading import grade_baseline_relative

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False)


# ----------------------------------------------------------------------------- 進捗率


def test_progress_rate_hand_computed_up_and_down() -> None:
    # みどり率: 24.38 → 33; at 28.69 half of the planned change is made.
    assert progress_rate(28.69, 24.38, 33.0) == pytest.approx(50.0)
    # ごみ排出量 (down): 579 → 492; at 540 → (540-579)/(492-579) = 39/87.
    assert progress_rate(540, 579, 492) == pytest.approx(39 / 87 * 100)
    # Moving the wrong way is negative.
    assert progress_rate(600, 579, 492) == pytest.approx(-21 / 87 * 100)


def test_progress_rate_refuses_equal_baseline_and_target() -> None:
    with pytest.raises(EbpmInputError, match="同じ"):
        progress_rate(5, 3, 3)


@given(finite, finite)
def test_progress_is_0_at_baseline_and_100_at_target(baseline: float, target: float) -> None:
    assume(abs(target - baseline) > 1e-6)
    assert progress_rate(baseline, baseline, target) == 0.0
    assert progress_rate(target, baseline, target) == pytest.approx(100.0)


# ----------------------------------------------------------------------------- 達成率


def test_achievement_rate_hand_computed() -> None:
    assert achievement_rate(49.7, 65.0, Direction.UP) == pytest.approx(49.7 / 65 * 100)
    assert achievement_rate(540, 492, Direction.DOWN) == pytest.approx(492 / 540 * 100)


def test_achievement_rate_refuses_meaningless_ratios() -> None:
    with pytest.raises(EbpmInputError, match="目標値が0以下"):
        achievement_rate(5, 0, Direction.UP)
    with pytest.raises(EbpmInputError, match="最新値が0"):
        achievement_rate(0, 0, Direction.DOWN)
    with pytest.raises(EbpmInputError, match="0以下"):
        achievement_rate(-3, 5, Direction.DOWN)


@given(positive, st.sampled_from(list(Direction)))
def test_achievement_is_exactly_100_at_the_target(target: float, direction: Direction) -> None:
    assert achievement_rate(target, target, direction) == 100.0


@given(positive, positive, positive)
def test_achievement_is_monotone_in_the_latest_value(target: float, a: float, b: float) -> None:
    low, high = sorted((a, b))
    assert achievement_rate(low, target, Direction.UP) <= achievement_rate(
        high, target, Direction.UP
    )
    assert achievement_rate(low, target, Direction.DOWN) >= achievement_rate(
        high, target, Direction.DOWN
    )


# ----------------------------------------------------------------------------- grades


@pytest.mark.parametrize(
    ("figure", "grade"),
    [
        (120, "A"),
        (100, "A"),
        (99.99, "B"),
        (80, "B"),
        (79.9, "C"),
        (50, "C"),
        (49.9, "D"),
        (-5, "D"),
    ],
)
def test_default_grades(figure: float, grade: str) -> None:
    assert DEFAULT_SCHEME.grade(figure) == grade


def test_presets_from_real_schemes() -> None:
    osaka = get_scheme("osaka_lib_abcd")
    assert [osaka.grade(x) for x in (110, 109.9, 80, 50, 49)] == ["A", "B", "B", "C", "D"]
    sano = get_scheme("sano_points")
    assert [sano.grade(x) for x in (100, 95, 85, 75, 65, 55, 10)] == [
        "7",
        "6",
        "5",
        "4",
        "3",
        "2",
        "1",
    ]
    tama = get_scheme("tama_prorata")
    assert tama.basis == "path"
    assert tama.grade(100) == "着実に進んでいる" and tama.grade(60) == "概ね進んでいる"
    assert tama.grade(59) == "改善や工夫が必要"
    assert set(PRESETS) >= {"default", "osaka_lib_abcd", "sano_points", "tama_prorata", "pace_oss"}


def test_unsupported_and_unknown_schemes_are_refused_clearly() -> None:
    with pytest.raises(EbpmInputError, match="自動判定できません"):
        get_scheme("kitsuki_abcd")
    with pytest.raises(EbpmInputError, match="ありません"):
        get_scheme("nonsense")


def test_custom_thresholds() -> None:
    scheme = parse_thresholds("S:120,A:100,B:70,C")
    assert [scheme.grade(x) for x in (130, 100, 70, 69)] == ["S", "A", "B", "C"]
    with pytest.raises(EbpmInputError, match="高い順"):
        parse_thresholds("A:50,B:80,C")
    with pytest.raises(EbpmInputError, match="評価:数値"):
        parse_thresholds("A:x,B")


def test_nagayo_baseline_relative_grades() -> None:
    # up: baseline 50, target 60
    assert grade_baseline_relative(61, 50, 60, up=True, band=0.1) == "S"
    assert grade_baseline_relative(54, 50, 60, up=True, band=0.1) == "B"  # within ±10 %
    assert grade_baseline_relative(56, 50, 60, up=True, band=0.1) == "A"
    assert grade_baseline_relative(44, 50, 60, up=True, band=0.1) == "C"
    # down: baseline 100, target 80
    assert grade_baseline_relative(75, 100, 80, up=False, band=0.1) == "S"
    assert grade_baseline_relative(85, 100, 80, up=False, band=0.1) == "A"
    assert grade_baseline_relative(115, 100, 80, up=False, band=0.1) == "C"


# ----------------------------------------------------------------------------- backcasting


def test_linear_and_constant_rate_paths_hand_computed() -> None:
    # 579 (2013) → 492 (2024): 87 over 11 years.
    assert required_linear(2019, 2013, 579, 2024, 492) == pytest.approx(579 - 87 * 6 / 11)
    # 100 → 50 over 10 years, constant rate: halfway is 100·0.5^0.5.
    assert required_constant_rate(2025, 2020, 100, 2030, 50) == pytest.approx(100 * math.sqrt(0.5))
    assert annual_rate(2020, 100, 2030, 50) == pytest.approx(0.5**0.1 - 1)


def test_constant_rate_refused_when_not_positive() -> None:
    with pytest.raises(EbpmInputError, match="正のときだけ"):
        required_constant_rate(2022, 2020, 1198, 2026, 0)
    with pytest.raises(EbpmInputError, match="正のときだけ"):
        Path.build(2020, -1, 2030, 5, method="constant_rate")


def test_path_refuses_target_year_before_baseline() -> None:
    with pytest.raises(EbpmInputError, match="目標年"):
        Path.build(2030, 1, 2020, 5)


@given(finite, finite, st.integers(1990, 2040), st.integers(1, 40))
def test_linear_path_starts_at_baseline_and_ends_at_target(
    baseline: float, target: float, y0: int, span: int
) -> None:
    path = Path.build(y0, baseline, y0 + span, target)
    yearly = path.yearly()
    assert yearly[0] == (y0, baseline)
    assert yearly[-1][1] == pytest.approx(target, abs=1e-9 * max(1, abs(target), abs(baseline)))
    assert len(yearly) == span + 1


@given(positive, positive, st.integers(1, 30), st.floats(0, 1))
def test_constant_rate_path_has_a_constant_ratio(
    baseline: float, target: float, span: int, fraction: float
) -> None:
    path = Path.build(2000, baseline, 2000 + span, target, method="constant_rate")
    y = 2000 + fraction * span
    expected = baseline * (target / baseline) ** fraction
    assert path.value(y) == pytest.approx(expected, rel=1e-9)


def test_milestones_make_a_piecewise_path_and_gap() -> None:
    path = Path.build(2020, 10, 2030, 30, [Milestone(2022, 20)])
    assert path.value(2021) == pytest.approx(15)
    assert path.value(2022) == pytest.approx(20)
    assert path.value(2026) == pytest.approx(25)
    assert path.value(2019) == 10 and path.value(2035) == 30
    assert gap(14, path.value(2021)) == pytest.approx(-1)
    with pytest.raises(EbpmInputError, match="中間目標"):
        Path.build(2020, 10, 2030, 30, [Milestone(2031, 20)])
