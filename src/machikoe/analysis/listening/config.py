"""Pipeline configuration: which registered stage does each job, and their parameters.

Loadable from a plain dict (a TOML or JSON file): `ListeningConfig.from_dict(d)`. Unknown keys
are refused so that a typo is not silently ignored.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from machikoe.core.errors import ValidationFailed

from .types import PerspectiveSpec

YOUTH_AGE_BANDS = ("elementary", "junior_high", "high_school", "college")


@dataclass(frozen=True)
class ListeningConfig:
    # stages, by registered name (see machikoe.analysis.listening.stages())
    vectorizer: str = "auto"
    normalizer: str = "nfkc"
    splitter: str = "sentence"
    deduper: str = "minhash"
    clusterer: str = "kmeans"
    labeler: str = "ctfidf"
    classifier: str = "zero_shot"
    mapper: str = "pca"
    # per-stage extra parameters, e.g. {"vectorizer": {"model_path": "/models/ruri"}}
    options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    # clustering
    n_topics: int | None = None
    min_topics: int = 5
    max_topics: int = 12
    max_subtopics: int = 6
    # vectoriser choice for "auto"
    time_budget_s: float = 60.0
    random_state: int = 0
    # splitting and duplicates
    max_point_chars: int = 300
    near_duplicate_threshold: float = 0.6
    # perspectives
    perspectives: Sequence[PerspectiveSpec] = ()
    glossary: Mapping[str, str] = field(default_factory=dict)
    corrections: Mapping[str, Sequence[str]] = field(default_factory=dict)
    cross_sector_ratio: float = 0.9
    # comparisons
    compare_attributes: Sequence[str] | None = None  # None: every attribute present
    youth_attribute: str = "age_band"
    youth_values: Sequence[str] = YOUTH_AGE_BANDS
    ignore_values: Sequence[str] = ("", "no_answer", "回答しない", "不明")
    alpha: float = 0.05
    min_group_size: int = 5

    def __post_init__(self) -> None:
        if self.n_topics is not None and self.n_topics < 1:
            raise ValidationFailed("トピック数は 1 以上にしてください。", field="n_topics")
        if not 1 <= self.min_topics <= self.max_topics:
            raise ValidationFailed(
                "min_topics は 1 以上 max_topics 以下にしてください。", field="min_topics"
            )
        if self.time_budget_s <= 0:
            raise ValidationFailed("time_budget_s は正の数にしてください。", field="time_budget_s")
        if not 0 < self.near_duplicate_threshold <= 1:
            raise ValidationFailed(
                "near_duplicate_threshold は 0 より大きく 1 以下にしてください。",
                field="near_duplicate_threshold",
            )

    def stage_options(self, stage: str) -> dict[str, Any]:
        return dict(self.options.get(stage, {}))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ListeningConfig:
        """Build from a plain dict; `perspectives` may be dicts with code/title/text."""
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValidationFailed(
                f"設定に不明な項目があります: {', '.join(unknown)}", code="unknown_setting"
            )
        values: dict[str, Any] = dict(data)
        if "perspectives" in values:
            values["perspectives"] = tuple(
                p if isinstance(p, PerspectiveSpec) else PerspectiveSpec.from_dict(p)
                for p in values["perspectives"]
            )
        if "corrections" in values:
            values["corrections"] = {
                str(k): tuple([v] if isinstance(v, str) else v)
                for k, v in values["corrections"].items()
            }
        for key in ("compare_attributes", "youth_values", "ignore_values"):
            if values.get(key) is not None:
                values[key] = tuple(values[key])
        try:
            return cls(**values)
        except TypeError as exc:  # wrong value types
            raise ValidationFailed(f"設定の値が正しくありません: {exc}") from exc

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["options"] = {k: dict(v) for k, v in self.options.items()}
        data["corrections"] = {k: list(v) for k, v in self.corrections.items()}
        return data
