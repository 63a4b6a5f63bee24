"""Demo data for the EBPM pages, from public statistics packaged in ebpm/data (see SOURCE.md).

Real figures are imported through the same import service staff use. What is not the ward's
(an illustrative target, illustrative measures) is flagged `illustrative` and shown as 例示.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from machikoe.analysis.ebpm.layouts import WAITING_CHILDREN_ID, stable_id
from machikoe.ebpm import services
from machikoe.ebpm.models import Indicator, Measure

DATA_DIR = Path(__file__).parent / "data"
MIDORI_NAME = "みどり率（世田谷みどり33 長期目標）"
MIDORI_2016_SOURCE = (
    "https://www.city.setagaya.lg.jp/mokuji/sumai/010/002/001/d00208112_d/fil/"
    "koudoukeikakugaiyoubann.txt"
)
WASTE_NAME = "区民1人1日あたりのごみ排出量（区で収集した可燃ごみ・不燃ごみ・粗大ごみの量）"


def _import(name: str, **kwargs: object) -> services.ImportResult:
    path = DATA_DIR / name
    return services.import_file(path.read_bytes(), path.name, **kwargs)  # type: ignore[arg-type]


def load_demo(report: Callable[[str], None] = print) -> None:
    """Load the demo indicators, observations and illustrative measures (once)."""
    if Indicator.objects.exists():
        report("成果指標: 既にデータがあるため、デモデータは読み込みません。")
        return
    with transaction.atomic():
        _import("setagaya_indicators.csv")
        _import("tokyo23_kurashi_setagaya_2019_2023.csv")
        _import("waiting_children_setagaya.csv", allow_revisions=True)

        midori = Indicator.objects.get(code=stable_id("sg", MIDORI_NAME))
        services.add_observation(
            None,
            midori,
            year=2016,
            value=25.18,
            source=MIDORI_2016_SOURCE,
            note="区の資料「2021年は2016年調査より0.80ポイント低い」から算出した値（24.38 + 0.80）。",
        )

        waiting = Indicator.objects.get(code=WAITING_CHILDREN_ID)
        services.save_indicator(
            None,
            {
                "baseline_year": 2016,
                "baseline_value": 1198.0,
                "target_year": 2026,
                "target_value": 0.0,
                "illustrative": True,
                "note": "目標（2026年に0人）は計算方法を示すための例示で、区が定めた目標ではありません。",
            },
            indicator=waiting,
        )

        waste = Indicator.objects.get(code=stable_id("sg", WASTE_NAME))
        for code, name, section, indicators, outputs in (
            (
                "demo-m1",
                "ごみ減量・資源化の普及啓発（例示）",
                "V5-1",
                [waste],
                [services.OutputInput("出前講座の開催", "回")],
            ),
            (
                "demo-m2",
                "保育の受け皿の整備（例示）",
                "V4-2",
                [waiting],
                [services.OutputInput("保育定員の拡大", "人")],
            ),
            (
                "demo-m3",
                "多世代の居場所づくりの支援（例示）",
                "V3-2",
                [],
                [services.OutputInput("居場所の開設支援", "か所")],
            ),
        ):
            services.save_measure(
                None,
                {
                    "code": code,
                    "name": name,
                    "section_code": section,
                    "illustrative": True,
                    "description": "ロジックモデルの見方を示すための例示です。実在の事業ではありません。",
                },
                indicators=indicators,
                outputs=outputs,
            )
    report(
        f"成果指標: 公的統計から {Indicator.objects.count()} 指標と"
        f" {Measure.objects.count()} 件の例示の施策・事業を読み込みました。"
    )
