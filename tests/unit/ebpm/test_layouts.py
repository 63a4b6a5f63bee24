"""Reading files: encodings, xlsx, the layouts of the real public statistics, errors with row
and column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from machikoe.analysis.ebpm import Direction, EbpmInputError
from machikoe.analysis.ebpm.layouts import (
    WAITING_CHILDREN_ID,
    check_batch,
    detect_layout,
    parse_year,
    read_batch,
)
from machikoe.analysis.ebpm.tabular import read_table

INDICATORS = (
    "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value\n"
    "W1,ごみ排出量,g/人・日,down,2013,579,2024,492\n"
    "G1,みどり率,%,up,2021,24.38,2032,33\n"
)


def test_utf8_bom_and_cp932_give_the_same_table() -> None:
    plain = read_table(INDICATORS.encode("utf-8"))
    bom = read_table(b"\xef\xbb\xbf" + INDICATORS.encode("utf-8"))
    sjis = read_table(INDICATORS.encode("cp932"))
    assert plain.encoding == "utf-8" and bom.encoding == "utf-8-sig" and sjis.encoding == "cp932"
    assert plain.rows == bom.rows == sjis.rows
    assert plain.rows[0].cells["name"] == "ごみ排出量"


def test_xlsx_is_read_like_csv() -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for line in INDICATORS.strip().splitlines():
        sheet.append([float(c) if c.replace(".", "").isdigit() else c for c in line.split(",")])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), "indicators.xlsx")
    batch = read_batch(table)
    assert batch.layout == "indicators"
    assert [r.spec.id for r in batch.indicators] == ["W1", "G1"]
    assert batch.indicators[0].spec.baseline_year == 2013
    assert batch.indicators[1].spec.baseline_value == pytest.approx(24.38)


def test_japanese_headers_and_era_years() -> None:
    text = (
        "指標ID,指標名,単位,方向,基準年度,基準値,目標年度,目標値,中間目標\n"
        'W1,ごみ排出量,g/人・日,低いほど良い,平成25年度,"579",令和6年度,492,R2:540\n'
    )
    batch = read_batch(read_table(text.encode("cp932")))
    spec = batch.indicators[0].spec
    assert spec.direction is Direction.DOWN
    assert (spec.baseline_year, spec.target_year) == (2013, 2024)
    assert spec.milestones[0].year == 2020 and spec.milestones[0].value == 540
    assert parse_year("令和元年", row=1, column="y") == 2019


@pytest.mark.parametrize(
    ("body", "row", "column", "reason"),
    [
        ("W1,ごみ,g,down,2013,abc,2024,492", 2, "baseline_value", "数値ではありません"),
        ("W1,ごみ,g,sideways,2013,579,2024,492", 2, "direction", "方向"),
        ("W1,ごみ,g,down,2024,579,2013,492", 2, "target_year", "目標年"),
        ("W1,ごみ,g,down,2013,579,2024,600", 2, "target_value", "既に達成"),
        (",ごみ,g,down,2013,579,2024,492", 2, "id", "指標ID"),
        ("W1,ごみ,g,down,2013,579,2024,492\nW1,ごみ2,g,down,2013,579,2024,492", 3, "id", "重複"),
    ],
)
def test_indicator_errors_name_row_and_column(
    body: str, row: int, column: str, reason: str
) -> None:
    header = "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value\n"
    with pytest.raises(EbpmInputError) as info:
        read_batch(read_table((header + body).encode()))
    assert info.value.row == row
    assert info.value.column == column
    assert reason in info.value.message


def test_observation_checks_unit_duplicates_and_unknown_ids() -> None:
    obs = read_batch(
        read_table("id,year,value,unit\nW1,2019,540,g/人・日\nW1,2019,541,g/人・日\n".encode())
    )
    assert obs.layout == "observations"
    with pytest.raises(EbpmInputError) as info:
        check_batch(obs, known_units={"W1": "g/人・日"})
    assert info.value.row == 3 and "重複" in info.value.message
    check_batch(obs, known_units={"W1": "g/人・日"}, allow_revisions=True)
    with pytest.raises(EbpmInputError, match="単位"):
        check_batch(obs, known_units={"W1": "kg"})
    with pytest.raises(EbpmInputError, match="指標がありません"):
        check_batch(obs, known_units={})
    # Full-width % equals %.
    pct = read_batch(read_table("id,year,value,unit\nG1,2021,24.38,％\n".encode()))
    check_batch(pct, known_units={"G1": "%"})


def test_missing_year_and_bad_month() -> None:
    with pytest.raises(EbpmInputError) as info:
        read_batch(read_table(b"id,year,value\nW1,,540\n"))
    assert (info.value.row, info.value.column) == (2, "year")
    with pytest.raises(EbpmInputError, match="1〜12"):
        read_batch(read_table(b"id,year,value,month\nW1,2020,540,13\n"))


def test_unknown_layout_and_empty_file() -> None:
    with pytest.raises(EbpmInputError, match="形式が分かりません"):
        read_batch(read_table(b"a,b\n1,2\n"))
    with pytest.raises(EbpmInputError, match="空"):
        read_table(b"\n\n")
    with pytest.raises(EbpmInputError, match="多い"):
        read_table(b"id,year,value\nW1,2020,1,extra\n")


# ----------------------------------------------------------------------------- real files


def test_setagaya_sector_indicators(shared_dir: Path) -> None:
    table = read_table((shared_dir / "data/setagaya/indicators.csv").read_bytes())
    assert detect_layout(table) == "setagaya_indicators"
    batch = read_batch(table)
    assert len(batch.indicators) == 6
    waste = batch.indicators[0]
    assert waste.spec.direction is Direction.DOWN
    assert (waste.spec.baseline_value, waste.spec.target_value) == (579.0, 492.0)
    assert waste.section_code == "V5"
    assert waste.data_source.startswith("https://www.city.setagaya.lg.jp/")
    seismic = batch.indicators[5]
    assert seismic.spec.baseline_value is None and seismic.spec.target_value == 95.0
    # The baselines that are results of their year become observations.
    assert {(o.year, o.value) for o in batch.observations} >= {(2013, 579.0), (2021, 24.38)}
    # Re-reading gives the same ids (stable import).
    assert [r.spec.id for r in read_batch(table).indicators] == [
        r.spec.id for r in batch.indicators
    ]


def test_tokyo23_kurashi(shared_dir: Path) -> None:
    table = read_table(
        (shared_dir / "data/setagaya/tokyo23_kurashi_to_toukei_2019_2023.csv").read_bytes()
    )
    batch = read_batch(table)
    assert batch.layout == "tokyo23_kurashi"
    population = [o for o in batch.observations if o.indicator_id == "kurashi-population_total"]
    assert [(o.year, o.value) for o in population][:2] == [(2019, 930520.0), (2020, 939099.0)]
    share = [o for o in batch.observations if o.indicator_id == "kurashi-share_65plus"]
    assert share[0].value == pytest.approx(20.21)  # 0.2021 shown as %
    check_batch(batch, known_units={})
    other = read_batch(table, municipality="杉並区")
    suginami = [
        o for o in other.observations if o.indicator_id.startswith("kurashi-population_total")
    ]
    assert suginami[0].indicator_id != "kurashi-population_total"  # its own series
    assert (suginami[0].year, suginami[0].value) == (2019, 580484.0)
    with pytest.raises(EbpmInputError, match="行がありません"):
        read_batch(table, municipality="架空区")


def test_waiting_children_duplicates_need_revision_mode(shared_dir: Path) -> None:
    table = read_table((shared_dir / "data/setagaya/waiting_children.csv").read_bytes())
    batch = read_batch(table)
    assert batch.indicators[0].spec.id == WAITING_CHILDREN_ID
    assert len(batch.observations) == 10  # 世田谷区 rows only
    with pytest.raises(EbpmInputError) as info:
        check_batch(batch, known_units={})
    assert "2018" in info.value.message and info.value.row == 5
    check_batch(batch, known_units={}, allow_revisions=True)


def _ods_population_file(shared_dir: Path) -> bytes:
    """A 地域・年齢別人口 file with the real column set of 推奨データセット 04."""
    import csv as _csv

    with (shared_dir / "data/setagaya/ods_schema_columns.csv").open(encoding="utf-8") as f:
        columns = [r["column_name"] for r in _csv.DictReader(f) if r["ods_number"] == "04"]
    assert len(columns) == 47 and columns[4] == "調査年月日"
    out = io.StringIO()
    writer = _csv.writer(out)
    writer.writerow(columns)
    for date, areas in (
        ("2024-01-01", (("北沢", 100), ("玉川", 300))),
        ("2024-02-01", (("北沢", 110), ("玉川", 290))),
    ):
        for area, scale in areas:
            row = {c: "" for c in columns}
            row.update(
                {
                    "調査年月日": date,
                    "地域名": area,
                    "市区町村名": "世田谷区",
                    "世帯数": str(scale * 10),
                }
            )
            ages = {
                c: str(scale) for c in columns if c.endswith(("の男性", "の女性")) and "歳" in c
            }
            row.update(ages)
            row["総人口"] = str(scale * len(ages))
            row["男性"] = row["女性"] = str(scale * len(ages) // 2)
            writer.writerow([row[c] for c in columns])
    return out.getvalue().encode("cp932")


def test_ods_population_layout(shared_dir: Path) -> None:
    table = read_table(_ods_population_file(shared_dir))
    assert detect_layout(table) == "ods_population"
    batch = read_batch(table)
    check_batch(batch, known_units={})
    totals = [
        (o.year, o.month, o.value)
        for o in batch.observations
        if o.indicator_id == "ods-population_total"
    ]
    assert totals == [(2024, 1, 400 * 36.0), (2024, 2, 400 * 36.0)]
    old = [o.value for o in batch.observations if o.indicator_id == "ods-share_65plus"]
    assert old[0] == pytest.approx(5 * 2 / 36 * 100)  # 65-69 … 85+ = 5 bands of 36 columns
    assert {r.spec.id for r in batch.indicators} == {
        "ods-population_total",
        "ods-households",
        "ods-share_0_14",
        "ods-share_65plus",
    }
