"""Writes: imports (atomic, revisions, unit checks), indicator/observation/measure services,
audit entries, the demo, and the selectors built on them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from machikoe.analysis.ebpm import Milestone, Status
from machikoe.core.errors import ImportFailed, ValidationFailed
from machikoe.core.models import AuditLog
from machikoe.ebpm import selectors, services
from machikoe.ebpm.models import Indicator, Measure, Observation

pytestmark = pytest.mark.django_db

INDICATORS = (
    "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value,section\n"
    "W1,ごみ排出量,g/人・日,down,2013,579,2024,492,V5-1\n"
    "G1,みどり率,%,up,2021,24.38,2032,33,V5\n"
)


def _import(text: str, name: str = "f.csv", **kwargs: Any) -> services.ImportResult:
    return services.import_file(text.encode("utf-8"), name, **kwargs)


def test_import_indicators_then_observations_and_revision(staff: Any) -> None:
    result = _import(INDICATORS, actor=staff)
    assert (result.indicators_created, result.layout) == (2, "indicators")
    w1 = Indicator.objects.get(code="W1")
    assert (w1.direction, w1.section_code, w1.perspective_code) == ("down", "V5-1", "V5")
    result = _import("id,year,value,source\nW1,2019,540,区\nW1,2020,535,区\n", actor=staff)
    assert result.observations_created == 2
    # Same values again: nothing changes.
    assert _import("id,year,value,source\nW1,2019,540,区\n").observations_unchanged == 1
    # A corrected 2019 value is a revision; the old row stays in the history.
    result = _import("id,year,value,source\nW1,2019,538,区（確報）\n", actor=staff)
    assert result.observations_revised == 1
    rows = list(Observation.objects.filter(indicator=w1, year=2019).order_by("id"))
    assert [(o.value, o.is_current) for o in rows] == [(540.0, False), (538.0, True)]
    assert rows[1].supersedes == rows[0]
    assert AuditLog.objects.filter(action="ebpm.observation.revise", actor=staff).count() == 1
    assert AuditLog.objects.filter(action="ebpm.import").count() == 4


def test_import_is_atomic_and_reports_row_and_column() -> None:
    _import(INDICATORS)
    with pytest.raises(ImportFailed) as info:
        _import("id,year,value\nW1,2019,540\nG1,2021,abc\n", name="obs.csv")
    assert (info.value.row, info.value.column, info.value.file) == (3, "value", "obs.csv")
    assert "3 行目" in info.value.message
    assert Observation.objects.count() == 0
    with pytest.raises(ImportFailed, match="単位"):
        _import("id,year,value,unit\nW1,2019,0.54,kg/人・日\n")
    with pytest.raises(ImportFailed, match="重複"):
        _import("id,year,value\nW1,2019,540\nW1,2019,541\n")
    assert Observation.objects.count() == 0


def test_reimport_with_a_different_unit_is_refused() -> None:
    _import(INDICATORS)
    with pytest.raises(ImportFailed, match="単位"):
        _import(INDICATORS.replace("g/人・日", "kg/人・日"))


def test_import_in_shift_jis_and_real_files(shared_dir: Path) -> None:
    services.import_file(INDICATORS.encode("cp932"), "sjis.csv")
    assert Indicator.objects.get(code="W1").name == "ごみ排出量"
    data = shared_dir / "data/setagaya"
    services.import_file((data / "indicators.csv").read_bytes(), "indicators.csv")
    services.import_file((data / "tokyo23_kurashi_to_toukei_2019_2023.csv").read_bytes(), "k.csv")
    with pytest.raises(ImportFailed, match="2018"):
        services.import_file((data / "waiting_children.csv").read_bytes(), "w.csv")
    result = services.import_file(
        (data / "waiting_children.csv").read_bytes(), "w.csv", allow_revisions=True
    )
    assert result.observations_created == 9 and result.observations_revised == 1
    waiting = Indicator.objects.get(code="waiting-children")
    current_2018 = waiting.observations.get(year=2018, is_current=True)
    assert current_2018.value == 486.0 and current_2018.supersedes.value == 489.0  # type: ignore[union-attr]
    population = Indicator.objects.get(code="kurashi-population_total")
    assert population.observations.count() == 5 and population.target_value is None


def test_stat_import_keeps_staff_targets() -> None:
    """Statistics layouts create monitoring indicators but never overwrite staff's edits."""
    layout = "edition_year,municipality,area_km2,population_total,population_male,population_female,share_65plus,households,elementary_pupils,junior_high_pupils\n"
    row = "2023,世田谷区,58.05,936846,442092,494754,0.2035,492029,43208,21525\n"
    _import(layout + row)
    ind = Indicator.objects.get(code="kurashi-share_65plus")
    services.save_indicator(
        None,
        {"target_year": 2030, "target_value": 19.0, "baseline_year": 2023, "baseline_value": 20.35},
        indicator=ind,
    )
    _import(layout + row.replace("2023,", "2024,", 1))
    ind.refresh_from_db()
    assert ind.target_value == 19.0
    assert ind.observations.count() == 2


def test_save_indicator_validates_and_audits(staff: Any) -> None:
    data = {
        "code": "CO2",
        "name": "CO2排出量",
        "unit": "万t",
        "direction": "down",
        "baseline_year": 2013,
        "baseline_value": 300.0,
        "target_year": 2030,
        "target_value": 162.0,
        "vision_year": 2050,
        "vision_value": 0.0,
        "vision_label": "2050年 脱炭素",
    }
    ind = services.save_indicator(staff, data, milestones=[Milestone(2025, 200.0)])
    assert ind.milestones.get().value == 200.0
    entry = AuditLog.objects.get(action="ebpm.indicator.create")
    assert entry.actor == staff and entry.after["milestones"] == [[2025, 200.0]]  # type: ignore[index]
    with pytest.raises(ValidationFailed, match="目標年"):
        services.save_indicator(staff, {"target_year": 2010}, indicator=ind)
    with pytest.raises(ValidationFailed, match="既に"):
        services.save_indicator(staff, {"target_value": 400.0}, indicator=ind)
    with pytest.raises(ValidationFailed, match="既に使われて"):
        services.save_indicator(staff, {**data, "code": "CO2"})
    ind.refresh_from_db()
    assert ind.target_year == 2030 and ind.target_value == 162.0
    services.add_observation(staff, ind, year=2020, value=250.0)
    with pytest.raises(ValidationFailed, match="単位"):
        services.save_indicator(staff, {"unit": "t"}, indicator=ind)
    services.delete_indicator(staff, ind)
    assert not Indicator.objects.exists()
    assert AuditLog.objects.filter(action="ebpm.indicator.delete").exists()


def test_add_and_withdraw_observation_keep_history(staff: Any) -> None:
    _import(INDICATORS)
    w1 = Indicator.objects.get(code="W1")
    first = services.add_observation(staff, w1, year=2020, value=540.0, source="速報")
    second = services.add_observation(staff, w1, year=2020, value=542.0, source="確報")
    assert second.supersedes == first
    first.refresh_from_db()
    assert not first.is_current
    services.withdraw_observation(staff, second)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.is_current and not second.is_current
    assert Observation.objects.filter(indicator=w1).count() == 2
    with pytest.raises(ValidationFailed):
        services.add_observation(staff, w1, year=2020, value=1.0, month=13)


def test_measures_and_logic_model_gaps(plan: Any, staff: Any) -> None:
    _import(INDICATORS)
    w1 = Indicator.objects.get(code="W1")
    m = services.save_measure(
        staff,
        {"code": "M1", "name": "資源回収の拡充", "section_code": "V5-1"},
        indicators=[w1],
        outputs=[services.OutputInput("出前講座", "回", 2024, 12.0)],
    )
    services.save_measure(staff, {"code": "M2", "name": "居場所づくり"}, indicators=[])
    assert AuditLog.objects.filter(action="ebpm.measure.create").count() == 2
    model = selectors.logic_model()
    assert [i.code for i in model.indicators_without_measure] == ["G1"]
    assert [x.code for x in model.measures_without_indicator] == ["M2"]
    assert [p.code for p in model.perspectives_without_indicator] == ["V1", "V2", "V3", "V4", "V6"]
    v5 = next(g for g in model.groups if g["perspective"].code == "V5")
    assert [(r["measure"].code, [i.code for i in r["indicators"]]) for r in v5["rows"]] == [
        ("M1", ["W1"])
    ]
    assert [i.code for i in v5["orphans"]] == ["G1"]
    loose = next(g for g in model.groups if g["perspective"].code == "")
    assert [(r["measure"].code, r["indicators"]) for r in loose["rows"]] == [("M2", [])]
    with pytest.raises(ValidationFailed, match="既に使われて"):
        services.save_measure(staff, {"code": "M1", "name": "x"})
    services.save_measure(staff, {"name": "資源回収の拡充（改）"}, measure=m, outputs=[])
    m.refresh_from_db()
    assert m.outputs.count() == 0 and m.indicators.count() == 1
    services.delete_measure(staff, m)
    assert not Measure.objects.filter(code="M1").exists()


def test_evaluated_groups_by_perspective_in_few_queries(
    plan: Any, django_assert_max_num_queries: Any
) -> None:
    _import(INDICATORS)
    _import("id,year,value\nW1,2013,579\nW1,2016,560\nW1,2019,540\nG1,2021,24.38\n")
    sections = selectors.plan_sections()
    with django_assert_max_num_queries(5):
        views = selectors.evaluated(year=2025, sections=sections)
    groups = selectors.grouped(views, sections)
    v5 = next(g for g in groups if g.code == "V5")
    assert [v.indicator.code for v in v5.items] == ["G1", "W1"]
    assert next(g for g in groups if g.code == "V1").items == []
    w1 = next(v for v in views if v.indicator.code == "W1")
    assert w1.evaluation is not None and w1.evaluation.projection is not None
    assert w1.status in {Status.UNLIKELY, Status.CAUTION, Status.LIKELY}
    rows = w1.table_rows()
    assert rows[0] == {
        "label": "2013",
        "observed": 579.0,
        "required": 579.0,
        "required_rate": 579.0,
    }


def test_demo_loads_real_statistics_once(plan: Any) -> None:
    from machikoe.ebpm.demo import load_demo

    messages: list[str] = []
    load_demo(messages.append)
    count = Indicator.objects.count()
    assert count == 12
    waiting = Indicator.objects.get(code="waiting-children")
    assert waiting.illustrative and waiting.target_value == 0.0
    assert Measure.objects.filter(illustrative=True).count() == 3
    assert all(m.illustrative for m in Measure.objects.all())
    # The real sector-plan targets are not illustrative.
    assert not Indicator.objects.filter(code__startswith="sg-", illustrative=True).exists()
    load_demo(messages.append)
    assert Indicator.objects.count() == count
    assert "既にデータがある" in messages[-1]
