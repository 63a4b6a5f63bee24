"""Turning tables into indicator and observation records, one adapter per file layout.

Layouts (recognised from the header, or named explicitly):

* ``indicators`` — machikoe's own: id, name, unit, direction, baseline_year, baseline_value,
  target_year, target_value, and optionally section, definition, source, milestones
  ("2026:25;2028:27"), vision_year, vision_value, vision_label, illustrative, note.
  Japanese headers (指標ID, 指標名, 単位, 方向, 基準年, 基準値, 目標年, 目標値 …) work too.
* ``observations`` — id, year, value, and optionally month, source, published, unit, note.
* ``setagaya_indicators`` — the sector-plan indicator list in shared/data/setagaya
  (pillar, indicator, unit, baseline_year, …, source, notes).
* ``tokyo23_kurashi`` — 東京都「くらしと統計」by ward (edition_year, municipality, …): each
  numeric column of one ward becomes a monitoring series (参考指標, no target).
* ``waiting_children`` — 保育待機児童数 (as_of, area, waiting_children, source_quality, …).
* ``ods_population`` — 推奨データセット「04 地域・年齢別人口」(調査年月日, 地域名, 総人口,
  世帯数, 0-4歳の男性 … 85歳以上の女性): monthly series of the ward total, 世帯数 and the
  shares aged 0–14 and 65+ (参考指標).

Adapters raise EbpmInputError with the row number and column of the first problem; they
never return half a file.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import math
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from machikoe.analysis.ebpm.tabular import Row, Table
from machikoe.analysis.ebpm.types import Direction, EbpmInputError, IndicatorSpec, Milestone


@dataclass(frozen=True)
class IndicatorRecord:
    """An indicator as read from a file; `replace` False means "create only if missing"."""

    row: int
    spec: IndicatorSpec
    section_code: str = ""
    definition: str = ""
    data_source: str = ""
    vision_label: str = ""
    illustrative: bool = False
    note: str = ""
    replace: bool = True


@dataclass(frozen=True)
class ObservationRecord:
    row: int
    indicator_id: str
    year: int
    value: float
    month: int | None = None
    source: str = ""
    published_on: _dt.date | None = None
    unit: str = ""
    note: str = ""


@dataclass(frozen=True)
class ImportBatch:
    layout: str
    indicators: tuple[IndicatorRecord, ...] = ()
    observations: tuple[ObservationRecord, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)


# ----------------------------------------------------------------------------- cell parsing


def normalise_unit(unit: str) -> str:
    """Units compare after NFKC and without spaces: "％" == "%", "g / 人・日" == "g/人・日"."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", unit or ""))


def parse_number(text: str, *, row: int, column: str, required: bool = True) -> float | None:
    """'1,234' '１２３' '49.7%' → float; blank → None (or error when required)."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    cleaned = cleaned.rstrip("%").strip()
    if cleaned in {"", "-", "－", "―", "—"}:
        if required:
            raise EbpmInputError("値がありません。", row=row, column=column)
        return None
    try:
        number = float(cleaned)
    except ValueError as exc:
        raise EbpmInputError(f"「{text}」は数値ではありません。", row=row, column=column) from exc
    if not math.isfinite(number):
        raise EbpmInputError(f"「{text}」は有限の数値ではありません。", row=row, column=column)
    return number


def parse_year(text: str, *, row: int, column: str, required: bool = True) -> int | None:
    """'2023' '2023年度' 'R5' '令和5年度' 'H25' '平成25' → Western year."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if cleaned == "":
        if required:
            raise EbpmInputError("年がありません。", row=row, column=column)
        return None
    era = re.fullmatch(r"(令和|平成|昭和|R|H|S)\s*(\d{1,2}|元)\s*(年度?|FY)?", cleaned, re.I)
    if era:
        offsets = {"令和": 2018, "r": 2018, "平成": 1988, "h": 1988, "昭和": 1925, "s": 1925}
        number = 1 if era.group(2) == "元" else int(era.group(2))
        return offsets[era.group(1).lower()] + number
    western = re.fullmatch(r"(\d{4})\s*(年度?|FY)?", cleaned, re.I)
    if western:
        return int(western.group(1))
    as_float = re.fullmatch(r"(\d{4})\.0+", cleaned)
    if as_float:
        return int(as_float.group(1))
    raise EbpmInputError(
        f"「{text}」は年として読めません（例: 2023、2023年度、令和5年度）。", row=row, column=column
    )


def parse_date(text: str, *, row: int, column: str) -> _dt.date | None:
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    if not cleaned:
        return None
    match = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ].*)?", cleaned)
    if not match:
        raise EbpmInputError(
            f"「{text}」は日付として読めません（例: 2024-07-30）。", row=row, column=column
        )
    try:
        return _dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError as exc:
        raise EbpmInputError(f"「{text}」は存在しない日付です。", row=row, column=column) from exc


def parse_milestones(text: str, *, row: int, column: str) -> tuple[Milestone, ...]:
    """'2026:25;2028:27' → milestones."""
    items = [
        p for p in re.split(r"[;；、]", unicodedata.normalize("NFKC", text or "")) if p.strip()
    ]
    milestones = []
    for item in items:
        year_text, sep, value_text = item.partition(":")
        if not sep:
            raise EbpmInputError(
                f"中間目標「{item}」は「年:値」の形で書いてください（例: 2026:25;2028:27）。",
                row=row,
                column=column,
            )
        year = parse_year(year_text, row=row, column=column)
        value = parse_number(value_text, row=row, column=column)
        assert year is not None and value is not None
        milestones.append(Milestone(year, value))
    return tuple(milestones)


def _flag(text: str) -> bool:
    return unicodedata.normalize("NFKC", text or "").strip().lower() in {
        "1",
        "true",
        "yes",
        "y",
        "はい",
        "例示",
        "○",
        "〇",
    }


# ----------------------------------------------------------------------------- column names

INDICATOR_ALIASES = {
    "id": ("id", "指標id", "指標コード", "コード"),
    "name": ("name", "指標名", "名称", "指標"),
    "unit": ("unit", "単位"),
    "direction": ("direction", "方向", "望ましい方向"),
    "baseline_year": ("baseline_year", "基準年", "基準年度"),
    "baseline_value": ("baseline_value", "基準値"),
    "target_year": ("target_year", "目標年", "目標年度"),
    "target_value": ("target_value", "目標値"),
    "section": ("section", "section_code", "視点", "節コード", "計画コード"),
    "definition": ("definition", "定義", "算出方法"),
    "source": ("source", "data_source", "出典", "データ出典"),
    "milestones": ("milestones", "中間目標"),
    "vision_year": ("vision_year", "長期目標年", "長期目標年度"),
    "vision_value": ("vision_value", "長期目標値"),
    "vision_label": ("vision_label", "長期ビジョン"),
    "illustrative": ("illustrative", "例示"),
    "note": ("note", "notes", "備考"),
}
OBSERVATION_ALIASES = {
    "id": ("id", "指標id", "指標コード", "コード"),
    "year": ("year", "年", "年度"),
    "value": ("value", "値", "実績値", "観測値"),
    "month": ("month", "月"),
    "source": ("source", "出典"),
    "published": ("published", "published_on", "公表日"),
    "unit": ("unit", "単位"),
    "note": ("note", "notes", "備考"),
}


def _resolve(table: Table, aliases: dict[str, tuple[str, ...]]) -> dict[str, str]:
    """Canonical name → the header actually used in this table."""
    found = {}
    for canonical, names in aliases.items():
        for name in names:
            if name in table.header:
                found[canonical] = name
                break
    return found


def _require(table: Table, found: dict[str, str], required: tuple[str, ...], layout: str) -> None:
    missing = [c for c in required if c not in found]
    if missing:
        raise EbpmInputError(
            f"{layout} の形式に必要な列がありません: {', '.join(missing)}（見出し行: "
            f"{', '.join(table.header)}）",
            row=1,
            column=missing[0],
        )


def _cell(row: Row, found: dict[str, str], canonical: str) -> str:
    header = found.get(canonical)
    return row.get(header) if header else ""


# ----------------------------------------------------------------------------- adapters


def _spec(
    row: int,
    *,
    id: str,
    name: str,
    unit: str,
    direction: str,
    baseline_year: int | None,
    baseline_value: float | None,
    target_year: int | None,
    target_value: float | None,
    milestones: tuple[Milestone, ...] = (),
    vision_year: int | None = None,
    vision_value: float | None = None,
) -> IndicatorSpec:
    try:
        parsed_direction = Direction.parse(direction)
        spec = IndicatorSpec(
            id=id,
            name=name,
            unit=unit,
            direction=parsed_direction,
            baseline_year=baseline_year,
            baseline_value=baseline_value,
            target_year=target_year,
            target_value=target_value,
            milestones=milestones,
            vision_year=vision_year,
            vision_value=vision_value,
        )
        return spec.validate()
    except EbpmInputError as exc:
        raise EbpmInputError(exc.message, row=row, column=exc.column) from exc


def read_indicators(table: Table) -> ImportBatch:
    found = _resolve(table, INDICATOR_ALIASES)
    _require(
        table,
        found,
        (
            "id",
            "name",
            "unit",
            "direction",
            "baseline_year",
            "baseline_value",
            "target_year",
            "target_value",
        ),
        "指標",
    )
    records = []
    for row in table.rows:
        n = row.number
        code = _cell(row, found, "id")
        if not code:
            raise EbpmInputError("指標IDがありません。", row=n, column=found["id"])
        name = _cell(row, found, "name")
        if not name:
            raise EbpmInputError("指標名がありません。", row=n, column=found["name"])

        def num(c: str, _n: int = n, _row: Row = row) -> float | None:
            return parse_number(
                _cell(_row, found, c), row=_n, column=found.get(c, c), required=False
            )

        def yr(c: str, _n: int = n, _row: Row = row) -> int | None:
            return parse_year(_cell(_row, found, c), row=_n, column=found.get(c, c), required=False)

        spec = _spec(
            n,
            id=code,
            name=name,
            unit=_cell(row, found, "unit"),
            direction=_cell(row, found, "direction"),
            baseline_year=yr("baseline_year"),
            baseline_value=num("baseline_value"),
            target_year=yr("target_year"),
            target_value=num("target_value"),
            milestones=parse_milestones(
                _cell(row, found, "milestones"), row=n, column=found.get("milestones", "milestones")
            ),
            vision_year=yr("vision_year"),
            vision_value=num("vision_value"),
        )
        records.append(
            IndicatorRecord(
                row=n,
                spec=spec,
                section_code=_cell(row, found, "section"),
                definition=_cell(row, found, "definition"),
                data_source=_cell(row, found, "source"),
                vision_label=_cell(row, found, "vision_label"),
                illustrative=_flag(_cell(row, found, "illustrative")),
                note=_cell(row, found, "note"),
            )
        )
    _no_duplicate_ids(records)
    return ImportBatch(layout="indicators", indicators=tuple(records))


def _no_duplicate_ids(records: list[IndicatorRecord]) -> None:
    first: dict[str, int] = {}
    for record in records:
        if record.spec.id in first:
            raise EbpmInputError(
                f"指標ID「{record.spec.id}」が {first[record.spec.id]} 行目と重複しています。",
                row=record.row,
                column="id",
            )
        first[record.spec.id] = record.row


def read_observations(table: Table) -> ImportBatch:
    found = _resolve(table, OBSERVATION_ALIASES)
    _require(table, found, ("id", "year", "value"), "観測値")
    records = []
    for row in table.rows:
        n = row.number
        code = _cell(row, found, "id")
        if not code:
            raise EbpmInputError("指標IDがありません。", row=n, column=found["id"])
        year = parse_year(_cell(row, found, "year"), row=n, column=found["year"])
        value = parse_number(_cell(row, found, "value"), row=n, column=found["value"])
        month_text = _cell(row, found, "month")
        month = None
        if month_text:
            month_number = parse_number(month_text, row=n, column=found["month"])
            if month_number is None or not month_number.is_integer() or not 1 <= month_number <= 12:
                raise EbpmInputError(
                    f"月「{month_text}」は1〜12の整数にしてください。", row=n, column=found["month"]
                )
            month = int(month_number)
        assert year is not None and value is not None
        records.append(
            ObservationRecord(
                row=n,
                indicator_id=code,
                year=year,
                value=value,
                month=month,
                source=_cell(row, found, "source"),
                published_on=parse_date(
                    _cell(row, found, "published"),
                    row=n,
                    column=found.get("published", "published"),
                ),
                unit=_cell(row, found, "unit"),
                note=_cell(row, found, "note"),
            )
        )
    return ImportBatch(layout="observations", observations=tuple(records))


# Which plan perspective each Setagaya policy field (pillar) belongs to. This mapping is
# machikoe's own reading of the seed's 政策の視点, not the ward's; a `section` column wins.
SETAGAYA_PILLAR_SECTIONS = {
    "環境・リサイクル・みどり": "V5",
    "文化・スポーツ": "V2",
    "災害・危機管理": "V2",
    "子ども・若者": "V4",
    "教育": "V4",
    "健康・福祉": "V2",
    "経済・産業": "V1",
    "都市整備": "V3",
    "人権・コミュニティ": "V3",
}


def stable_id(prefix: str, text: str) -> str:
    """A short id that stays the same when the same file is imported again."""
    digest = hashlib.sha1(unicodedata.normalize("NFKC", text).encode("utf-8")).hexdigest()[:8]
    return f"{prefix}-{digest}"


def read_setagaya_indicators(table: Table) -> ImportBatch:
    required = (
        "pillar",
        "indicator",
        "unit",
        "baseline_year",
        "baseline_value",
        "target_year",
        "target_value",
        "direction",
    )
    found = {c: c for c in (*required, "source", "notes", "section") if c in table.header}
    _require(table, found, required, "世田谷区の分野別計画指標")
    indicators = []
    observations = []
    for row in table.rows:
        n = row.number
        name = row.get("indicator")
        if not name:
            raise EbpmInputError("指標名がありません。", row=n, column="indicator")
        baseline_year = parse_year(
            row.get("baseline_year"), row=n, column="baseline_year", required=False
        )
        baseline_value = parse_number(
            row.get("baseline_value"), row=n, column="baseline_value", required=False
        )
        spec = _spec(
            n,
            id=stable_id("sg", name),
            name=name,
            unit=row.get("unit"),
            direction=row.get("direction"),
            baseline_year=baseline_year,
            baseline_value=baseline_value,
            target_year=parse_year(
                row.get("target_year"), row=n, column="target_year", required=False
            ),
            target_value=parse_number(
                row.get("target_value"), row=n, column="target_value", required=False
            ),
        )
        pillar = row.get("pillar")
        section = row.get("section") or SETAGAYA_PILLAR_SECTIONS.get(pillar, "")
        indicators.append(
            IndicatorRecord(
                row=n,
                spec=spec,
                section_code=section,
                definition=f"世田谷区の分野別計画の指標（分野: {pillar}）。基本計画（2024〜2031年度）の成果指標ではありません。",
                data_source=row.get("source"),
                note=row.get("notes"),
            )
        )
        if baseline_year is not None and baseline_value is not None:
            # The baseline is itself an observed result (実績値) of its year.
            observations.append(
                ObservationRecord(
                    row=n,
                    indicator_id=spec.id,
                    year=baseline_year,
                    value=baseline_value,
                    source=row.get("source"),
                    unit=row.get("unit"),
                    note="基準値（実績値）として公表された値",
                )
            )
    _no_duplicate_ids(indicators)
    return ImportBatch(
        layout="setagaya_indicators",
        indicators=tuple(indicators),
        observations=tuple(observations),
        notes=(
            "分野と計画の視点の対応は machikoe による仮の対応付けです（section 列で上書きできます）。",
        ),
    )


KURASHI_SOURCE = (
    "東京都総務局統計部「くらしと統計」区市町村統計表 "
    "https://www.toukei.metro.tokyo.lg.jp/kurasi/ （CC BY 4.0 相当、東京都オープンデータカタログ）"
)
# column → (name, unit, direction, section, scale, definition)
KURASHI_SERIES: dict[str, tuple[str, str, str, str, float, str]] = {
    "population_total": ("総人口", "人", "up", "V6", 1.0, "住民基本台帳等による総人口。"),
    "households": ("世帯数", "世帯", "up", "V6", 1.0, "世帯数。"),
    "share_65plus": (
        "65歳以上人口の割合",
        "%",
        "down",
        "V2",
        100.0,
        "総人口に占める65歳以上の割合。元データは割合（0〜1）で、ここでは100倍して%で表示。",
    ),
    "elementary_pupils": ("小学校児童数", "人", "up", "V4", 1.0, "区内の小学校の児童数。"),
    "junior_high_pupils": ("中学校生徒数", "人", "up", "V4", 1.0, "区内の中学校の生徒数。"),
}


def read_tokyo23_kurashi(table: Table, *, municipality: str = "世田谷区") -> ImportBatch:
    required = ("edition_year", "municipality", *KURASHI_SERIES)
    found = {c: c for c in required if c in table.header}
    _require(table, found, required, "東京都「くらしと統計」")
    indicators = []
    observations = []
    for column, (label, unit, direction, section, _scale, definition) in KURASHI_SERIES.items():
        indicators.append(
            IndicatorRecord(
                row=1,
                spec=IndicatorSpec(
                    id=f"kurashi-{column}"
                    if municipality == "世田谷区"
                    else stable_id(f"kurashi-{column}", municipality),
                    name=f"{municipality}の{label}",
                    unit=unit,
                    direction=Direction(direction),
                ),
                section_code=section,
                definition=definition
                + " 年は「くらしと統計」の版の年で、各数値の基準日とは限りません。",
                data_source=KURASHI_SOURCE,
                note="参考指標（目標値なし）。",
                replace=False,
            )
        )
    by_column = {r.spec.id: r for r in indicators}
    ids = list(by_column)
    selected = [row for row in table.rows if row.get("municipality") == municipality]
    if not selected:
        raise EbpmInputError(f"「{municipality}」の行がありません。", column="municipality")
    for row in selected:
        n = row.number
        year = parse_year(row.get("edition_year"), row=n, column="edition_year")
        assert year is not None
        for column, indicator_id in zip(KURASHI_SERIES, ids, strict=True):
            scale = KURASHI_SERIES[column][4]
            value = parse_number(row.get(column), row=n, column=column)
            assert value is not None
            observations.append(
                ObservationRecord(
                    row=n,
                    indicator_id=indicator_id,
                    year=year,
                    value=round(value * scale, 10),
                    source=KURASHI_SOURCE + f"（{year}年版）",
                    unit=KURASHI_SERIES[column][1],
                )
            )
    return ImportBatch(
        layout="tokyo23_kurashi",
        indicators=tuple(indicators),
        observations=tuple(observations),
        notes=(f"{municipality}の{len(selected)}年分を参考指標として取り込みます。",),
    )


WAITING_CHILDREN_ID = "waiting-children"


def read_waiting_children(table: Table, *, municipality: str = "世田谷区") -> ImportBatch:
    required = ("as_of", "area", "waiting_children")
    found = {c: c for c in required if c in table.header}
    _require(table, found, required, "保育待機児童数")
    indicator_id = (
        WAITING_CHILDREN_ID
        if municipality == "世田谷区"
        else stable_id(WAITING_CHILDREN_ID, municipality)
    )
    indicator = IndicatorRecord(
        row=1,
        spec=IndicatorSpec(
            id=indicator_id,
            name=f"{municipality}の保育待機児童数（4月1日時点）",
            unit="人",
            direction=Direction.DOWN,
        ),
        section_code="V4",
        definition="各年4月1日時点の保育待機児童数。年は基準日の年（＝その年度）。",
        data_source="二次資料（区議会議員ブログ、教育・業界紙、地域ブログ）。東京都「保育サービスの状況」等の公式資料での確認が必要。",
        note="参考指標。出典の質は観測値ごとに記録しています。",
        replace=False,
    )
    observations = []
    for row in table.rows:
        if row.get("area") != municipality:
            continue
        n = row.number
        as_of = parse_date(row.get("as_of"), row=n, column="as_of")
        if as_of is None:
            raise EbpmInputError("基準日がありません。", row=n, column="as_of")
        value = parse_number(row.get("waiting_children"), row=n, column="waiting_children")
        assert value is not None
        quality = row.get("source_quality")
        notes = row.get("notes")
        observations.append(
            ObservationRecord(
                row=n,
                indicator_id=indicator_id,
                year=as_of.year,
                value=value,
                source=row.get("source"),
                unit="人",
                note="／".join(p for p in (f"出典の質: {quality}" if quality else "", notes) if p),
            )
        )
    if not observations:
        raise EbpmInputError(f"「{municipality}」の行がありません。", column="area")
    return ImportBatch(
        layout="waiting_children", indicators=(indicator,), observations=tuple(observations)
    )


# 推奨データセット「04 地域・年齢別人口」(and the newer standard's aliases): one row per area
# and survey date. The ward total is the row named 合計/総数/the municipality when present,
# else the sum of the areas.
ODS_POPULATION_ALIASES = {
    "date": ("調査年月日", "調査日", "時点"),
    "area": ("地域名", "地区名", "町丁名"),
    "municipality": ("市区町村名", "地方公共団体名"),
    "total": ("総人口",),
    "households": ("世帯数",),
}
ODS_AGE_BANDS = (*(f"{low}-{low + 4}歳" for low in range(0, 85, 5)), "85歳以上")
ODS_SERIES = {
    "ods-population_total": ("総人口", "人", "up", "V6"),
    "ods-households": ("世帯数", "世帯", "up", "V6"),
    "ods-share_0_14": ("年少人口（0〜14歳）の割合", "%", "up", "V4"),
    "ods-share_65plus": ("65歳以上人口の割合", "%", "down", "V2"),
}


def read_ods_population(table: Table, *, municipality: str = "世田谷区") -> ImportBatch:
    found = _resolve(table, ODS_POPULATION_ALIASES)
    _require(table, found, ("date", "total"), "地域・年齢別人口（推奨データセット04）")
    age_columns = {band: (f"{band}の男性", f"{band}の女性") for band in ODS_AGE_BANDS}
    has_ages = all(m in table.header and f in table.header for m, f in age_columns.values())
    by_date: dict[_dt.date, list[Row]] = {}
    for row in table.rows:
        if "municipality" in found and row.get(found["municipality"]) not in ("", municipality):
            continue
        when = parse_date(_cell(row, found, "date"), row=row.number, column=found["date"])
        if when is None:
            raise EbpmInputError("調査年月日がありません。", row=row.number, column=found["date"])
        by_date.setdefault(when, []).append(row)
    if not by_date:
        raise EbpmInputError(
            f"「{municipality}」の行がありません。", column=found.get("municipality")
        )
    totals_names = {"合計", "総数", "計", "全域", municipality}
    observations: list[ObservationRecord] = []
    for when, rows in sorted(by_date.items()):
        total_rows = [r for r in rows if _cell(r, found, "area") in totals_names]
        chosen = total_rows[:1] or rows

        def total(column: str, _rows: list[Row] = chosen) -> float:
            value = 0.0
            for r in _rows:
                number = parse_number(r.get(column), row=r.number, column=column)
                assert number is not None
                value += number
            return value

        population = total(found["total"])
        first = chosen[0].number
        values: dict[str, float] = {"ods-population_total": population}
        if "households" in found:
            values["ods-households"] = total(found["households"])
        if has_ages and population > 0:
            young = sum(total(c) for band in ODS_AGE_BANDS[:3] for c in age_columns[band])
            old = sum(total(c) for band in ODS_AGE_BANDS[13:] for c in age_columns[band])
            values["ods-share_0_14"] = round(young / population * 100, 6)
            values["ods-share_65plus"] = round(old / population * 100, 6)
        for indicator_id, value in values.items():
            observations.append(
                ObservationRecord(
                    row=first,
                    indicator_id=indicator_id,
                    year=when.year,
                    month=when.month,
                    value=value,
                    source=f"{municipality} 地域・年齢別人口（{when.isoformat()}時点）",
                    unit=ODS_SERIES[indicator_id][1],
                )
            )
    used = {o.indicator_id for o in observations}
    indicators = tuple(
        IndicatorRecord(
            row=1,
            spec=IndicatorSpec(
                id=code, name=f"{municipality}の{name}", unit=unit, direction=Direction(direction)
            ),
            section_code=section,
            definition=(
                f"推奨データセット「地域・年齢別人口」から集計した{name}。"
                + ("割合は年齢別人口の合計÷総人口×100。" if unit == "%" else "")
            ),
            data_source=f"{municipality} オープンデータ「地域・年齢別人口」",
            note="参考指標（目標値なし）。",
            replace=False,
        )
        for code, (name, unit, direction, section) in ODS_SERIES.items()
        if code in used
    )
    return ImportBatch(
        layout="ods_population",
        indicators=indicators,
        observations=tuple(observations),
        notes=(f"{len(by_date)}時点の地域・年齢別人口を参考指標として取り込みます。",),
    )


Adapter = Callable[..., ImportBatch]
LAYOUTS: dict[str, Adapter] = {
    "indicators": read_indicators,
    "observations": read_observations,
    "setagaya_indicators": read_setagaya_indicators,
    "tokyo23_kurashi": read_tokyo23_kurashi,
    "waiting_children": read_waiting_children,
    "ods_population": read_ods_population,
}
MUNICIPALITY_LAYOUTS = {"tokyo23_kurashi", "waiting_children", "ods_population"}


def detect_layout(table: Table) -> str:
    """Name the layout from the header; EbpmInputError when none fits."""
    header = set(table.header)
    if {"pillar", "indicator", "target_value"} <= header:
        return "setagaya_indicators"
    if {"edition_year", "municipality"} <= header:
        return "tokyo23_kurashi"
    if {"as_of", "area", "waiting_children"} <= header:
        return "waiting_children"
    population_cols = _resolve(table, ODS_POPULATION_ALIASES)
    if {"date", "total"} <= set(population_cols):
        return "ods_population"
    indicator_cols = _resolve(table, INDICATOR_ALIASES)
    if {"id", "name", "target_value"} <= set(indicator_cols):
        return "indicators"
    observation_cols = _resolve(table, OBSERVATION_ALIASES)
    if {"id", "year", "value"} <= set(observation_cols):
        return "observations"
    raise EbpmInputError(
        "ファイルの形式が分かりません。指標（id, name, unit, direction, baseline_year, "
        "baseline_value, target_year, target_value）か観測値（id, year, value）の見出し行に"
        f"してください（見出し行: {', '.join(table.header)}）。",
        row=1,
    )


def read_batch(
    table: Table, layout: str = "auto", *, municipality: str = "世田谷区"
) -> ImportBatch:
    name = detect_layout(table) if layout == "auto" else layout
    if name not in LAYOUTS:
        raise EbpmInputError(
            f"形式「{layout}」はありません。使えるもの: auto, {', '.join(LAYOUTS)}"
        )
    if name in MUNICIPALITY_LAYOUTS:
        return LAYOUTS[name](table, municipality=municipality)
    return LAYOUTS[name](table)


def check_batch(
    batch: ImportBatch,
    *,
    known_units: dict[str, str],
    allow_revisions: bool = False,
) -> None:
    """Cross-row checks: known indicator, matching unit, no duplicated (id, year, month).

    `known_units` maps ids of indicators that already exist (e.g. in the database) to
    their unit; the batch's own indicators are added to it.
    """
    units = dict(known_units)
    for record in batch.indicators:
        existing = known_units.get(record.spec.id)
        if (
            record.replace
            and existing is not None
            and normalise_unit(existing) != normalise_unit(record.spec.unit)
        ):
            raise EbpmInputError(
                f"指標「{record.spec.id}」の単位「{record.spec.unit}」が登録済みの単位「{existing}」と"
                "違います。単位を変えるときは、新しい指標として登録してください。",
                row=record.row,
                column="unit",
            )
        if record.replace or record.spec.id not in units:
            units[record.spec.id] = record.spec.unit
    seen: dict[tuple[str, int, int | None], int] = {}
    for obs in batch.observations:
        if obs.indicator_id not in units:
            raise EbpmInputError(
                f"指標ID「{obs.indicator_id}」の指標がありません。先に指標を登録してください。",
                row=obs.row,
                column="id",
            )
        if obs.unit and normalise_unit(obs.unit) != normalise_unit(units[obs.indicator_id]):
            raise EbpmInputError(
                f"単位「{obs.unit}」が指標の単位「{units[obs.indicator_id]}」と違います。",
                row=obs.row,
                column="unit",
            )
        key = (obs.indicator_id, obs.year, obs.month)
        if key in seen and not allow_revisions:
            when = f"{obs.year}" + (f"年{obs.month}月" if obs.month else "年")
            raise EbpmInputError(
                f"指標「{obs.indicator_id}」の{when}の値が {seen[key]} 行目と重複しています。"
                "後の行を改定として取り込むときは「改定として取り込む」を選んでください。",
                row=obs.row,
                column="year",
            )
        seen.setdefault(key, obs.row)
