"""Exports of the whole evaluation: CSV for Excel (UTF-8 with BOM) and a self-contained HTML
report for the council that opens offline (Plotly's JavaScript embedded in the file).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
from pathlib import Path
from typing import Any

import plotly
from django.template.loader import render_to_string
from django.utils import timezone

from machikoe.analysis.ebpm import GradingScheme, StatusThresholds
from machikoe.analysis.ebpm.formulas import FORMULAS
from machikoe.ebpm import selectors

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"

CSV_COLUMNS = (
    ("id", "指標ID"),
    ("name", "指標名"),
    ("section", "計画の節"),
    ("unit", "単位"),
    ("direction", "方向"),
    ("baseline_year", "基準年"),
    ("baseline_value", "基準値"),
    ("target_year", "目標年"),
    ("target_value", "目標値"),
    ("illustrative", "例示の目標"),
    ("latest_year", "最新の年"),
    ("latest_value", "最新値"),
    ("progress_rate", "進捗率(%)"),
    ("achievement_rate", "達成率(%)"),
    ("grade", "評価"),
    ("year", "必要値の年"),
    ("required_value", "必要値（直線）"),
    ("required_value_constant_rate", "必要値（一定率）"),
    ("gap", "ギャップ（最新値−その年の必要値）"),
    ("vision_gap", "長期ビジョンとのギャップ"),
    ("projected_value", "予測値（線形・目標年）"),
    ("interval_low", "90%予測区間 下限"),
    ("interval_high", "90%予測区間 上限"),
    ("projected_log", "予測値（対数線形・目標年）"),
    ("probability", "達成確率 p"),
    ("status", "見込み"),
    ("data_source", "出典"),
    ("messages", "注記"),
)


def _num(value: float | None) -> str:
    return "" if value is None else f"{value:.6g}"


def csv_rows(views: list[selectors.IndicatorView]) -> list[dict[str, str]]:
    rows = []
    for view in views:
        ind = view.indicator
        ev = view.evaluation
        interval = ev.projection_interval if ev and ev.projection_interval else None
        rows.append(
            {
                "id": ind.code,
                "name": ind.name,
                "section": ind.section_code,
                "unit": ind.unit,
                "direction": ind.get_direction_display(),
                "baseline_year": "" if ind.baseline_year is None else str(ind.baseline_year),
                "baseline_value": _num(ind.baseline_value),
                "target_year": "" if ind.target_year is None else str(ind.target_year),
                "target_value": _num(ind.target_value),
                "illustrative": "例示" if ind.illustrative else "",
                "latest_year": "" if not ev or ev.latest_year is None else str(ev.latest_year),
                "latest_value": _num(ev.latest_value if ev else None),
                "progress_rate": _num(ev.progress_rate if ev else None),
                "achievement_rate": _num(ev.achievement_rate if ev else None),
                "grade": (ev.grade or "") if ev else "",
                "year": str(ev.year) if ev else "",
                "required_value": _num(ev.required_value if ev else None),
                "required_value_constant_rate": _num(
                    ev.required_value_constant_rate if ev else None
                ),
                "gap": _num(ev.gap if ev else None),
                "vision_gap": _num(ev.vision_gap if ev else None),
                "projected_value": _num(ev.projected_value if ev else None),
                "interval_low": _num(interval[0] if interval else None),
                "interval_high": _num(interval[1] if interval else None),
                "projected_log": _num(
                    ev.projection_log.value if ev and ev.projection_log else None
                ),
                "probability": _num(ev.probability if ev else None),
                "status": ev.status.label if ev else "判定不可",
                "data_source": ind.data_source,
                "messages": " / ".join(ev.messages) if ev else view.error,
            }
        )
    return rows


TEXT_COLUMNS = {"id", "name", "section", "unit", "data_source", "messages"}


def _cell(key: str, value: str) -> str:
    """Text that Excel would run as a formula (=, +, -, @ first) is prefixed with '."""
    if key in TEXT_COLUMNS and value[:1] in {"=", "+", "-", "@", "\t", "\r"}:
        return "'" + value
    return value


def evaluation_csv(views: list[selectors.IndicatorView]) -> bytes:
    """The evaluation as CSV bytes, UTF-8 with BOM so Excel in Japan opens it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([label for _, label in CSV_COLUMNS])
    for row in csv_rows(views):
        writer.writerow([_cell(key, row[key]) for key, _ in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def council_report_html(
    *,
    year: int | None = None,
    scheme: GradingScheme | None = None,
    thresholds: StatusThresholds | None = None,
) -> str:
    """One HTML file with every indicator, chart, table and formula; opens offline."""
    sections = selectors.plan_sections()
    scheme = scheme or selectors.configured_scheme()
    thresholds = thresholds or selectors.configured_thresholds()
    views = selectors.evaluated(year=year, scheme=scheme, thresholds=thresholds, sections=sections)
    figures: dict[str, Any] = {f"fig-{v.indicator.pk}": v.figure() for v in views}
    context = {
        "groups": selectors.grouped(views, sections),
        "totals": selectors.status_totals(views),
        "formulas": FORMULAS,
        "scheme": scheme,
        "thresholds": thresholds,
        "year": year or _dt.date.today().year,
        "generated_at": timezone.localtime(),
        "logic": selectors.logic_model(sections),
        "plotly_js": PLOTLY_JS.read_text(encoding="utf-8"),
        # "<" inside a script element could end it ("</script>") or open a comment; JSON
        # allows the \u003c escape, so no "<" reaches the HTML parser.
        "figures_json": json.dumps(figures, ensure_ascii=False).replace("<", "\\u003c"),
        "any_illustrative": any(v.indicator.illustrative for v in views),
    }
    return render_to_string("ebpm/report.html", context)
