"""Loading the two CSV files of `machikoe ebpm evaluate` (no database involved)."""

from __future__ import annotations

from pathlib import Path

from machikoe.analysis.ebpm.layouts import check_batch, read_indicators, read_observations
from machikoe.analysis.ebpm.tabular import read_path
from machikoe.analysis.ebpm.types import EbpmInputError, IndicatorSpec, Observation


class FileInputError(EbpmInputError):
    """An EbpmInputError that also names the file."""

    def __init__(self, error: EbpmInputError, file: str) -> None:
        super().__init__(error.message, row=error.row, column=error.column)
        self.file = file


def load_pair(
    indicators_path: str | Path, observations_path: str | Path
) -> tuple[list[IndicatorSpec], dict[str, list[Observation]]]:
    """(specs, observations by indicator id); FileInputError names the file, row and column."""
    try:
        indicators = read_indicators(read_path(indicators_path))
    except EbpmInputError as exc:
        raise FileInputError(exc, str(indicators_path)) from exc
    try:
        observations = read_observations(read_path(observations_path))
        units = {r.spec.id: r.spec.unit for r in indicators.indicators}
        check_batch(observations, known_units=units)
    except EbpmInputError as exc:
        raise FileInputError(exc, str(observations_path)) from exc
    by_id: dict[str, list[Observation]] = {r.spec.id: [] for r in indicators.indicators}
    for obs in observations.observations:
        by_id[obs.indicator_id].append(Observation(obs.year, obs.value, obs.month))
    return [r.spec for r in indicators.indicators], by_id
