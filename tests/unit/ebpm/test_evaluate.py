"""Evaluating an indicator end to end: statuses, messages, schemes, bad specs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from machikoe.analysis.ebpm import (
    CLI_KEYS,
    Direction,
    EbpmInputError,
    IndicatorSpec,
    Milestone,
    Observation,
    Status,
    StatusThresholds,
    evaluate,
    get_scheme,
)
from machikoe.analysis.ebpm.chart import figure
from machikoe.analysis.ebpm.formulas import FORMULAS

WASTE = IndicatorSpec("W", "ごみ排出量", "g/人・日", Direction.DOWN, 2013, 579.0, 2024, 492.0)


def obs(*pairs: tuple[int, float]) -> list[Observation]:
    return [Observation(y, v) for y, v in pairs]


def test_hand_computed_evaluation() -> None:
    result = evaluate(WASTE, obs((2013, 579), (2016, 560), (2019, 540), (2021, 530)), year=2025)
    assert result.latest_year == 2021 and result.latest_value == 530.0
    assert result.progress_rate == pytest.approx((530 - 579) / (492 - 579) * 100)
    assert result.achievement_rate == pytest.approx(492 / 530 * 100)
    assert result.grade == "B"
    assert result.required_value == 492.0  # 2025 is after the target year: held at target
    assert result.gap == pytest.approx(530 - (579 - 87 * 8 / 11))
    assert result.projection_interval is not None
    low, high = result.projection_interval
    assert low <= result.projected_value <= high  # type: ignore[operator]
    # The trend ends near 510 g, far above 492: the target will probably be missed.
    assert result.status is Status.UNLIKELY and result.probability < 0.3  # type: ignore[operator]
    assert any("観測値のない年" in m for m in result.messages)
    assert result.projection_log is not None


def test_cli_dict_has_exactly_the_issue_keys() -> None:
    result = evaluate(WASTE, obs((2013, 579), (2016, 560), (2019, 540)), year=2020)
    data = result.to_cli_dict()
    assert tuple(data) == CLI_KEYS
    assert data["status"] == "未達見込み" or data["status"] in {"達成見込み", "要注意"}
    assert isinstance(data["projection_interval"], list) and len(data["projection_interval"]) == 2
    full = result.to_dict()
    assert data == {key: full[key] for key in CLI_KEYS}


def test_achieved_when_latest_meets_target() -> None:
    result = evaluate(WASTE, obs((2013, 579), (2020, 500), (2022, 480)), year=2022)
    assert result.status is Status.ACHIEVED
    assert any("既に到達" in m for m in result.messages)


def test_statuses_from_probability_thresholds() -> None:
    spec = IndicatorSpec("U", "率", "%", Direction.UP, 2020, 10.0, 2030, 20.0)
    series = obs((2020, 10), (2021, 11.2), (2022, 11.8), (2023, 13.1), (2024, 13.9))
    default = evaluate(spec, series, year=2024)
    p = default.probability
    assert p is not None and 0 < p < 1
    assert (
        evaluate(spec, series, thresholds=StatusThresholds(p - 0.01, 0.0)).status is Status.LIKELY
    )
    assert (
        evaluate(spec, series, thresholds=StatusThresholds(1.0, p - 0.01)).status is Status.CAUTION
    )
    assert (
        evaluate(spec, series, thresholds=StatusThresholds(1.0, p + 0.01)).status is Status.UNLIKELY
    )
    with pytest.raises(EbpmInputError):
        StatusThresholds(0.2, 0.5)


def test_too_few_observations_gives_a_message_and_no_projection() -> None:
    result = evaluate(WASTE, obs((2013, 579), (2019, 540)), year=2020)
    assert result.projected_value is None and result.probability is None
    assert result.status is Status.UNKNOWN
    assert any("少なくとも3件" in m for m in result.messages)


def test_monitoring_indicator_without_target() -> None:
    spec = IndicatorSpec("P", "総人口", "人", Direction.UP)
    result = evaluate(spec, obs((2019, 930520), (2020, 939099), (2021, 941985)))
    assert result.status is Status.NO_TARGET
    assert result.progress_rate is None and result.grade is None
    assert any("参考指標" in m for m in result.messages)


def test_missing_baseline_year_still_gives_rates() -> None:
    spec = IndicatorSpec("S", "スポーツ実施率", "%", Direction.UP, None, 49.7, 2023, 65.0)
    result = evaluate(spec, obs((2020, 55.0)), year=2021)
    assert result.progress_rate == pytest.approx((55 - 49.7) / (65 - 49.7) * 100)
    assert result.required_value is None
    assert any("バックキャスティング" in m for m in result.messages)


def test_constant_rate_path_refused_for_zero_target_with_message() -> None:
    spec = IndicatorSpec("C", "待機児童数", "人", Direction.DOWN, 2016, 1198.0, 2026, 0.0)
    result = evaluate(spec, obs((2016, 1198), (2019, 470), (2024, 58)), year=2025)
    assert result.required_value == pytest.approx(1198 * (1 - 9 / 10))
    assert result.required_value_constant_rate is None
    assert any("一定率" in m for m in result.messages)
    assert result.achievement_rate == pytest.approx(0.0)  # target / latest with target 0


def test_vision_target_gap() -> None:
    spec = IndicatorSpec(
        "CO2",
        "CO2排出量",
        "万t",
        Direction.DOWN,
        2013,
        300.0,
        2030,
        162.0,
        vision_year=2050,
        vision_value=0.0,
    )
    result = evaluate(spec, obs((2013, 300), (2018, 280), (2022, 250)), year=2025)
    assert result.vision_required_value == pytest.approx(300 * (1 - 12 / 37))
    assert result.vision_gap == pytest.approx(250 - 300 * (1 - 9 / 37))
    assert result.vision_path[-1] == (2050, 0.0)


@pytest.mark.parametrize(
    ("spec", "match"),
    [
        (IndicatorSpec("x", "x", "", Direction.UP, 2030, 1.0, 2020, 2.0), "目標年"),
        (IndicatorSpec("x", "x", "", Direction.UP, 2020, 5.0, 2030, 5.0), "同じ"),
        (IndicatorSpec("x", "x", "", Direction.UP, 2020, 5.0, 2030, 3.0), "既に"),
        (IndicatorSpec("x", "x", "", Direction.DOWN, 2020, 5.0, 2030, 8.0), "既に"),
        (IndicatorSpec("x", "x", "", Direction.UP, 2020, 1.0, 2030, None), "両方"),
        (
            IndicatorSpec(
                "x",
                "x",
                "",
                Direction.UP,
                2020,
                1.0,
                2030,
                2.0,
                (Milestone(2025, 1.5), Milestone(2025, 1.6)),
            ),
            "重複",
        ),
    ],
)
def test_bad_specs_are_refused(spec: IndicatorSpec, match: str) -> None:
    with pytest.raises(EbpmInputError, match=match):
        evaluate(spec, [])


def test_duplicated_years_are_refused() -> None:
    with pytest.raises(EbpmInputError, match="重複"):
        evaluate(WASTE, obs((2019, 540), (2019, 541)))


def test_monthly_observations_sit_inside_the_year() -> None:
    spec = IndicatorSpec("M", "月次", "件", Direction.UP, 2024, 0.0, 2025, 12.0)
    points = [Observation(2024, float(m - 1), m) for m in range(1, 13)]  # value = 12·(t − 2024)
    result = evaluate(spec, points, year=2024)
    assert result.latest_month == 12
    assert result.projected_value == pytest.approx(12.0)


def test_path_and_pace_schemes() -> None:
    spec = IndicatorSpec("U", "率", "%", Direction.UP, 2020, 10.0, 2030, 20.0)
    series = obs((2020, 10), (2025, 14))
    tama = evaluate(spec, series, year=2025, scheme=get_scheme("tama_prorata"))
    assert tama.grade_figure == pytest.approx(14 / 15 * 100)
    assert tama.grade == "概ね進んでいる"
    pace = evaluate(spec, series, year=2025, scheme=get_scheme("pace_oss"))
    actual = (14 / 10) ** (1 / 5) - 1
    needed = 2 ** (1 / 10) - 1
    assert pace.grade_figure == pytest.approx(actual / needed * 100)
    assert pace.grade == "at-risk"  # 96.9 %: just under the required pace
    nagayo = evaluate(spec, series, year=2025, scheme=get_scheme("nagayo_s_a_b_c"))
    assert nagayo.grade == "A"


@given(st.floats(1, 1e5), st.sampled_from(list(Direction)))
def test_achievement_100_and_progress_100_at_target_through_evaluate(
    target: float, direction: Direction
) -> None:
    baseline = target * 2 if direction is Direction.DOWN else target / 2
    spec = IndicatorSpec("h", "h", "", direction, 2020, baseline, 2030, target)
    result = evaluate(spec, [Observation(2025, target)], year=2025)
    assert result.achievement_rate == pytest.approx(100.0)
    assert result.progress_rate == pytest.approx(100.0)
    assert result.status is Status.ACHIEVED


def test_chart_figure_has_every_layer() -> None:
    points = obs((2013, 579), (2016, 560), (2019, 540), (2021, 530))
    result = evaluate(WASTE, points, year=2025)
    names = [trace["name"] for trace in figure(WASTE, points, result)["data"]]
    assert names == ["実績", "必要な道筋（直線）", "予測（線形の傾向）", "90%予測区間", "目標"]


def test_every_formula_is_explained_in_japanese() -> None:
    names = [name for name, _, _ in FORMULAS]
    for required in (
        "進捗率",
        "達成率",
        "必要な道筋（直線）",
        "必要な道筋（一定率）",
        "予測（線形）",
        "達成の見込み",
    ):
        assert required in names
