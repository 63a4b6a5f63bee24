"""Writes for the EBPM app: indicators, observations (with revisions), measures, imports.

Every write runs in one transaction and records an audit entry. Imports are atomic: the
whole file is parsed and checked before the first row is written, and any database error
rolls everything back.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction

from machikoe.analysis.ebpm import Direction, EbpmInputError, IndicatorSpec, Milestone, Path
from machikoe.analysis.ebpm.layouts import (
    IndicatorRecord,
    check_batch,
    normalise_unit,
    read_batch,
)
from machikoe.analysis.ebpm.tabular import read_table
from machikoe.core.audit import record, snapshot
from machikoe.core.errors import ImportFailed, ValidationFailed
from machikoe.ebpm.models import (
    Indicator,
    IndicatorMilestone,
    Measure,
    MeasureOutput,
    Observation,
)

Actor = AbstractBaseUser | AnonymousUser | None

INDICATOR_FIELDS = (
    "code",
    "section_code",
    "name",
    "definition",
    "unit",
    "data_source",
    "direction",
    "baseline_year",
    "baseline_value",
    "target_year",
    "target_value",
    "vision_year",
    "vision_value",
    "vision_label",
    "illustrative",
    "note",
    "order",
)


# ----------------------------------------------------------------------------- indicators


def _validate_indicator(indicator: Indicator, milestones: Sequence[Milestone]) -> None:
    spec = IndicatorSpec(
        id=indicator.code,
        name=indicator.name,
        unit=indicator.unit,
        direction=Direction(indicator.direction),
        baseline_year=indicator.baseline_year,
        baseline_value=indicator.baseline_value,
        target_year=indicator.target_year,
        target_value=indicator.target_value,
        milestones=tuple(milestones),
        vision_year=indicator.vision_year,
        vision_value=indicator.vision_value,
    )
    try:
        spec.validate()
        if spec.baseline_year is not None and spec.target_year is not None:
            assert spec.baseline_value is not None and spec.target_value is not None
            Path.build(
                spec.baseline_year,
                spec.baseline_value,
                spec.target_year,
                spec.target_value,
                spec.milestones,
            )
    except EbpmInputError as exc:
        raise ValidationFailed(exc.message, field=exc.column) from exc


def _set_milestones(indicator: Indicator, milestones: Sequence[Milestone]) -> None:
    indicator.milestones.all().delete()
    IndicatorMilestone.objects.bulk_create(
        IndicatorMilestone(indicator=indicator, year=m.year, value=m.value) for m in milestones
    )


def _milestone_list(indicator: Indicator) -> list[list[float]]:
    return [[m.year, m.value] for m in indicator.milestones.all()]


def save_indicator(
    actor: Actor,
    data: dict[str, Any],
    *,
    indicator: Indicator | None = None,
    milestones: Sequence[Milestone] | None = None,
) -> Indicator:
    """Create (indicator=None) or update an indicator; ValidationFailed on bad figures."""
    creating = indicator is None
    target = Indicator() if indicator is None else indicator
    before = None if creating else {**snapshot(target), "milestones": _milestone_list(target)}
    changes_unit = "unit" in data and normalise_unit(str(data["unit"])) != normalise_unit(
        target.unit
    )
    if not creating and changes_unit and target.observations.exists():
        raise ValidationFailed(
            f"観測値が登録済みのため、単位（{target.unit}）は変えられません。新しい指標として登録してください。",
            field="unit",
        )
    for key in data:
        if key not in INDICATOR_FIELDS:
            raise ValidationFailed(f"項目「{key}」は指標にありません。", field=key)
    # Validate a copy first so a refused edit leaves the caller's instance untouched.
    candidate = Indicator(**{f: data.get(f, getattr(target, f)) for f in INDICATOR_FIELDS})
    chosen = (
        list(milestones)
        if milestones is not None
        else ([] if creating else [Milestone(m.year, m.value) for m in target.milestones.all()])
    )
    _validate_indicator(candidate, chosen)
    if Indicator.objects.filter(code=candidate.code).exclude(pk=target.pk).exists():
        raise ValidationFailed(f"指標ID「{candidate.code}」は既に使われています。", field="code")
    for key, value in data.items():
        setattr(target, key, value)
    with transaction.atomic():
        target.save()
        if milestones is not None or creating:
            _set_milestones(target, chosen)
        record(
            actor,
            "ebpm.indicator.create" if creating else "ebpm.indicator.update",
            target,
            before=before,
            after={**snapshot(target), "milestones": [[m.year, m.value] for m in chosen]},
        )
    return target


def delete_indicator(actor: Actor, indicator: Indicator) -> None:
    with transaction.atomic():
        before = {**snapshot(indicator), "observations": indicator.observations.count()}
        record(actor, "ebpm.indicator.delete", indicator, before=before)
        indicator.delete()


# ----------------------------------------------------------------------------- observations


def add_observation(
    actor: Actor,
    indicator: Indicator,
    *,
    year: int,
    value: float,
    month: int = 0,
    source: str = "",
    published_on: _dt.date | None = None,
    note: str = "",
) -> Observation:
    """Add a value; when one exists for the same period, the new one is a revision of it."""
    if not 0 <= month <= 12:
        raise ValidationFailed("月は 1〜12（年の値は 0）にしてください。", field="month")
    with transaction.atomic():
        current = (
            Observation.objects.select_for_update()
            .filter(indicator=indicator, year=year, month=month, is_current=True)
            .first()
        )
        if current is not None:
            current.is_current = False
            current.save(update_fields=["is_current"])
        obs = Observation.objects.create(
            indicator=indicator,
            year=year,
            month=month,
            value=value,
            source=source,
            published_on=published_on,
            note=note,
            supersedes=current,
        )
        record(
            actor,
            "ebpm.observation.revise" if current is not None else "ebpm.observation.create",
            obs,
            before=snapshot(current) if current is not None else None,
            after=snapshot(obs),
        )
    return obs


def withdraw_observation(actor: Actor, observation: Observation) -> None:
    """Withdraw a value entered by mistake: the previous version (if any) becomes current again.

    The withdrawn row is kept (is_current=False) so the history still shows it.
    """
    with transaction.atomic():
        before = snapshot(observation)
        observation.is_current = False
        observation.note = (observation.note + "（取り下げ）").strip()
        observation.save(update_fields=["is_current", "note"])
        previous = observation.supersedes
        if previous is not None:
            previous.is_current = True
            previous.save(update_fields=["is_current"])
        record(
            actor,
            "ebpm.observation.withdraw",
            observation,
            before=before,
            after=snapshot(observation),
        )


# ----------------------------------------------------------------------------- measures


@dataclass(frozen=True)
class OutputInput:
    name: str
    unit: str = ""
    year: int | None = None
    value: float | None = None


def save_measure(
    actor: Actor,
    data: dict[str, Any],
    *,
    measure: Measure | None = None,
    indicators: Iterable[Indicator] | None = None,
    outputs: Sequence[OutputInput] | None = None,
) -> Measure:
    creating = measure is None
    target = Measure() if measure is None else measure
    before = None if creating else _measure_snapshot(target)
    allowed = {"code", "section_code", "name", "description", "department", "illustrative"}
    for key in data:
        if key not in allowed:
            raise ValidationFailed(f"項目「{key}」は施策・事業にありません。", field=key)
    code = data.get("code", target.code)
    name = data.get("name", target.name)
    if not code or not name:
        raise ValidationFailed("事業IDと名称は必須です。", field="code" if not code else "name")
    if Measure.objects.filter(code=code).exclude(pk=target.pk).exists():
        raise ValidationFailed(f"事業ID「{code}」は既に使われています。", field="code")
    for key, value in data.items():
        setattr(target, key, value)
    with transaction.atomic():
        target.save()
        if indicators is not None:
            target.indicators.set(list(indicators))
        if outputs is not None:
            target.outputs.all().delete()
            MeasureOutput.objects.bulk_create(
                MeasureOutput(measure=target, name=o.name, unit=o.unit, year=o.year, value=o.value)
                for o in outputs
            )
        record(
            actor,
            "ebpm.measure.create" if creating else "ebpm.measure.update",
            target,
            before=before,
            after=_measure_snapshot(target),
        )
    return target


def _measure_snapshot(measure: Measure) -> dict[str, Any]:
    data = snapshot(measure)
    data["indicators"] = sorted(measure.indicators.values_list("code", flat=True))
    data["outputs"] = [[o.name, o.unit, o.year, o.value] for o in measure.outputs.all()]
    return data


def delete_measure(actor: Actor, measure: Measure) -> None:
    with transaction.atomic():
        record(actor, "ebpm.measure.delete", measure, before=_measure_snapshot(measure))
        measure.delete()


# ----------------------------------------------------------------------------- import


@dataclass
class ImportResult:
    layout: str
    indicators_created: int = 0
    indicators_updated: int = 0
    indicators_kept: int = 0
    observations_created: int = 0
    observations_revised: int = 0
    observations_unchanged: int = 0
    notes: list[str] = field(default_factory=list)


def _indicator_values(record_: IndicatorRecord) -> dict[str, Any]:
    spec = record_.spec
    return {
        "name": spec.name,
        "unit": spec.unit,
        "direction": spec.direction.value,
        "baseline_year": spec.baseline_year,
        "baseline_value": spec.baseline_value,
        "target_year": spec.target_year,
        "target_value": spec.target_value,
        "vision_year": spec.vision_year,
        "vision_value": spec.vision_value,
        "section_code": record_.section_code,
        "definition": record_.definition,
        "data_source": record_.data_source,
        "vision_label": record_.vision_label,
        "illustrative": record_.illustrative,
        "note": record_.note,
    }


def import_file(
    data: bytes,
    filename: str,
    *,
    layout: str = "auto",
    municipality: str = "世田谷区",
    allow_revisions: bool = False,
    actor: Actor = None,
) -> ImportResult:
    """Import a CSV/xlsx file of indicators or observations; all or nothing.

    Raises ImportFailed (file, row, column, reason) before writing anything when the file
    is wrong; a database error during the write rolls back every row.
    """
    try:
        table = read_table(data, filename)
        batch = read_batch(table, layout, municipality=municipality)
        known_units = dict(Indicator.objects.values_list("code", "unit"))
        check_batch(batch, known_units=known_units, allow_revisions=allow_revisions)
    except EbpmInputError as exc:
        raise ImportFailed(exc.message, file=filename, row=exc.row, column=exc.column) from exc

    result = ImportResult(layout=batch.layout, notes=list(batch.notes))
    try:
        with transaction.atomic():
            by_code = _apply_indicators(batch.indicators, result, actor)
            _apply_observations(batch.observations, by_code, result, actor)
            record(
                actor,
                "ebpm.import",
                object_type="ebpm.Import",
                object_id=filename[:64],
                after={
                    "layout": result.layout,
                    "indicators_created": result.indicators_created,
                    "indicators_updated": result.indicators_updated,
                    "observations_created": result.observations_created,
                    "observations_revised": result.observations_revised,
                },
                note=f"{filename} を取り込み（{table.encoding}）",
            )
    except IntegrityError as exc:
        raise ImportFailed(
            f"データベースへの書き込みに失敗したため、何も取り込んでいません（{exc}）。",
            file=filename,
        ) from exc
    return result


def _apply_indicators(
    records: Sequence[IndicatorRecord], result: ImportResult, actor: Actor
) -> dict[str, Indicator]:
    codes = {r.spec.id for r in records}
    existing = {i.code: i for i in Indicator.objects.filter(code__in=codes)}
    for number, rec in enumerate(records):
        values = _indicator_values(rec)
        current = existing.get(rec.spec.id)
        if current is None:
            indicator = Indicator.objects.create(code=rec.spec.id, order=number, **values)
            _set_milestones(indicator, rec.spec.milestones)
            record(actor, "ebpm.indicator.create", indicator, after=snapshot(indicator))
            existing[indicator.code] = indicator
            result.indicators_created += 1
        elif rec.replace:
            before = {**snapshot(current), "milestones": _milestone_list(current)}
            for key, value in values.items():
                setattr(current, key, value)
            current.save()
            _set_milestones(current, rec.spec.milestones)
            after = {**snapshot(current), "milestones": _milestone_list(current)}
            if after != before:
                record(actor, "ebpm.indicator.update", current, before=before, after=after)
                result.indicators_updated += 1
            else:
                result.indicators_kept += 1
        else:
            result.indicators_kept += 1
    return existing


def _apply_observations(
    records: Sequence[Any],
    by_code: dict[str, Indicator],
    result: ImportResult,
    actor: Actor,
) -> None:
    needed = {r.indicator_id for r in records} - set(by_code)
    by_code.update({i.code: i for i in Indicator.objects.filter(code__in=needed)})
    ids = [i.pk for i in by_code.values()]
    current = {
        (o.indicator_id, o.year, o.month): o
        for o in Observation.objects.filter(indicator_id__in=ids, is_current=True)
    }
    for rec in records:
        indicator = by_code[rec.indicator_id]
        month = rec.month or 0
        key = (indicator.pk, rec.year, month)
        old = current.get(key)
        if old is not None and old.value == rec.value and old.source == rec.source:
            result.observations_unchanged += 1
            continue
        if old is not None:
            old.is_current = False
            old.save(update_fields=["is_current"])
        new = Observation.objects.create(
            indicator=indicator,
            year=rec.year,
            month=month,
            value=rec.value,
            source=rec.source,
            published_on=rec.published_on,
            note=rec.note,
            supersedes=old,
        )
        current[key] = new
        if old is not None:
            record(actor, "ebpm.observation.revise", new, before=snapshot(old), after=snapshot(new))
            result.observations_revised += 1
        else:
            result.observations_created += 1
