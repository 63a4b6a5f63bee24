"""Grades from configurable thresholds, with the schemes real municipalities publish.

A scheme says which figure it grades (its *basis*) and the thresholds, highest first:

* ``achievement``: 達成率 against the final target (the default A/B/C/D, 大阪府立図書館, 佐野市);
* ``path``: 達成率 against the required value for the latest year on the linear path
  (多摩市「年次按分目標」: year 1 of 5 = 20 %, year 2 = 40 %, … of the planned change);
* ``pace``: 実績の年平均変化率 ÷ 必要な年平均変化率 × 100 (compound annual rates, the
  climate-action-database "pace" metric);
* ``baseline``: compared with the baseline (長与町 S/A/B/C: S = target met, B = within
  ±10 % of the baseline, A = better than the baseline, C = worse).

Schemes whose published rules are qualitative (杵築市, いの町 "同等", 神奈川県 "変わらない",
世田谷区 第1期総合戦略) have no numeric thresholds to implement; `UNSUPPORTED_SCHEMES` lists
them so pages can say so instead of inventing thresholds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from machikoe.analysis.ebpm.types import EbpmInputError

Basis = Literal["achievement", "path", "pace", "baseline"]


@dataclass(frozen=True)
class GradingScheme:
    """Thresholds (minimum, grade), highest first; `below` is the grade under the lowest."""

    id: str
    name: str
    basis: Basis = "achievement"
    thresholds: tuple[tuple[float, str], ...] = ((100.0, "A"), (80.0, "B"), (50.0, "C"))
    below: str = "D"
    source: str = ""
    band: float = 0.10  # only for basis="baseline": "same level" = within ±band of the baseline
    description: str = ""
    grades: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        minimums = [t for t, _ in self.thresholds]
        if minimums != sorted(minimums, reverse=True):
            raise EbpmInputError("評価基準の閾値は高い順に並べてください。")
        if not self.grades:
            object.__setattr__(self, "grades", (*[g for _, g in self.thresholds], self.below))

    def grade(self, figure: float) -> str:
        """The grade for `figure` (a percentage on this scheme's basis)."""
        for minimum, grade in self.thresholds:
            if figure >= minimum:
                return grade
        return self.below

    def describe(self) -> str:
        """The thresholds in words, e.g. "A: 100以上 / B: 80以上 / C: 50以上 / D: それ未満"."""
        if self.basis == "baseline":
            return self.description
        parts = [f"{g}: {m:g}以上" for m, g in self.thresholds]
        parts.append(f"{self.below}: それ未満")
        return " / ".join(parts)


def parse_thresholds(text: str) -> GradingScheme:
    """A custom achievement scheme from "A:100,B:80,C:50,D" (the last item has no minimum)."""
    items = [p.strip() for p in text.split(",") if p.strip()]
    if len(items) < 2:
        raise EbpmInputError("閾値は「A:100,B:80,C:50,D」の形で2段階以上指定してください。")
    thresholds: list[tuple[float, str]] = []
    for item in items[:-1]:
        grade, _, minimum = item.partition(":")
        try:
            thresholds.append((float(minimum), grade.strip()))
        except ValueError as exc:
            raise EbpmInputError(f"閾値「{item}」が「評価:数値」の形ではありません。") from exc
    below = items[-1].split(":")[0].strip()
    return GradingScheme(id="custom", name="独自の閾値", thresholds=tuple(thresholds), below=below)


DEFAULT_SCHEME = GradingScheme(
    id="default",
    name="標準（A ≥ 100、B ≥ 80、C ≥ 50、それ未満 D）",
)

PRESETS: dict[str, GradingScheme] = {
    s.id: s
    for s in (
        DEFAULT_SCHEME,
        GradingScheme(
            id="osaka_lib_abcd",
            name="大阪府立図書館 重点指標の達成度",
            thresholds=((110.0, "A"), (80.0, "B"), (50.0, "C")),
            below="D",
            source="https://www.library.pref.osaka.jp/site/hyoka/lib-hyoka-kijun2013.html",
        ),
        GradingScheme(
            id="sano_points",
            name="佐野市 施策・基本事業評価（達成率→ポイント）",
            thresholds=(
                (100.0, "7"),
                (90.0, "6"),
                (80.0, "5"),
                (70.0, "4"),
                (60.0, "3"),
                (50.0, "2"),
            ),
            below="1",
            source="https://www.city.sano.lg.jp/kurashi_gyosei/shiseijoho_nyusatsu/kaikaku_kaizennimuketatorikumi/3/naiyou/6505.html",
        ),
        GradingScheme(
            id="tama_prorata",
            name="多摩市 総合戦略（年次按分目標に対する達成度）",
            basis="path",
            thresholds=((100.0, "着実に進んでいる"), (60.0, "概ね進んでいる")),
            below="改善や工夫が必要",
            source="https://expydoc.com/doc/10040981/",
        ),
        GradingScheme(
            id="pace_oss",
            name="ペース達成率（実績の年平均変化率÷必要な年平均変化率）",
            basis="pace",
            thresholds=((100.0, "on-track"), (80.0, "at-risk")),
            below="off-track",
            source="github JZ8xNeXY/climate-action-database scripts/kpi_calculator.py",
        ),
        GradingScheme(
            id="nagayo_s_a_b_c",
            name="長与町 第9次総合計画 数値目標の進捗判定",
            basis="baseline",
            thresholds=(),
            below="C",
            grades=("S", "A", "B", "C"),
            band=0.10,
            description=(
                "S: 目標値を超えている / A: 基準値より改善 / B: 基準値と同水準（±10%以内）"
                " / C: 基準値より悪化"
            ),
            source="https://webtown.nagayo.jp/kiji0032107/index.html",
        ),
    )
}

UNSUPPORTED_SCHEMES: dict[str, str] = {
    "kitsuki_abcd": "杵築市 第2期総合戦略: 評価は定性的（数値の閾値が公表されていない）",
    "ino_symbols": "いの町 総合戦略: 「目標値と同等」の幅が公表されていない",
    "kanagawa_trend": "神奈川県 健康プラン21: 「変わらない」の幅が公表されていない",
    "setagaya_strategy1": "世田谷区 第1期総合戦略: 「達成／概ね達成」の閾値がページに記載されていない",
}


def get_scheme(scheme_id: str) -> GradingScheme:
    if scheme_id in PRESETS:
        return PRESETS[scheme_id]
    if scheme_id in UNSUPPORTED_SCHEMES:
        raise EbpmInputError(
            f"評価基準「{scheme_id}」は自動判定できません: {UNSUPPORTED_SCHEMES[scheme_id]}"
        )
    raise EbpmInputError(f"評価基準「{scheme_id}」はありません。使えるもの: {', '.join(PRESETS)}")


def grade_baseline_relative(
    latest: float, baseline: float, target: float, *, up: bool, band: float
) -> str:
    """長与町 style: S target met, B within ±band·|baseline| of baseline, A better, C worse."""
    if (latest >= target) if up else (latest <= target):
        return "S"
    if abs(latest - baseline) <= band * abs(baseline):
        return "B"
    better = latest > baseline if up else latest < baseline
    return "A" if better else "C"


def scheme_choices() -> Sequence[tuple[str, str]]:
    return [(s.id, s.name) for s in PRESETS.values()]
