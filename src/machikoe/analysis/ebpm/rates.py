"""Progress rate (進捗率) and achievement rate (達成率).

Japanese municipalities use both conventions, so both are reported:

* 進捗率 = (最新値 − 基準値) ÷ (目標値 − 基準値) × 100
  The share of the planned change already made. It works for either direction because the
  sign of (目標値 − 基準値) carries the direction: 0 at the baseline, 100 at the target,
  negative when the value moved the wrong way.
* 達成率 = 最新値 ÷ 目標値 × 100 (higher is better), 目標値 ÷ 最新値 × 100 (lower is better)
  The level reached relative to the target, regardless of where the plan started.
"""

from __future__ import annotations

from machikoe.analysis.ebpm.types import Direction, EbpmInputError


def progress_rate(latest: float, baseline: float, target: float) -> float:
    """進捗率 (%) = (latest − baseline) / (target − baseline) × 100."""
    span = target - baseline
    if span == 0:
        raise EbpmInputError("目標値と基準値が同じため、進捗率を計算できません。")
    return (latest - baseline) / span * 100.0


def achievement_rate(latest: float, target: float, direction: Direction) -> float:
    """達成率 (%) = latest / target × 100 (up) or target / latest × 100 (down).

    A ratio of levels only means something for values on a ratio scale, so a zero or
    negative denominator is refused with a message rather than returning nonsense.
    """
    if direction is Direction.UP:
        if target <= 0:
            raise EbpmInputError("目標値が0以下のため、達成率（最新値÷目標値）を計算できません。")
        return latest / target * 100.0
    if latest <= 0:
        if latest == 0 and target >= 0:
            # Lower is better and the value reached zero: the target is met in full.
            raise EbpmInputError(
                "最新値が0のため、達成率（目標値÷最新値）は定義できません（目標は達成しています）。"
            )
        raise EbpmInputError("最新値が0以下のため、達成率（目標値÷最新値）を計算できません。")
    if target < 0:
        raise EbpmInputError("目標値が負のため、達成率を計算できません。")
    return target / latest * 100.0
