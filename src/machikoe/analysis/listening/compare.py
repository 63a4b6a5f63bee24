"""Comparers: topics over- or under-represented in an attribute group against the rest.

For each attribute (and the derived "youth" group: children and youth vs adults) and each
value with at least `min_group_size` opinions, each topic gives a 2x2 table (in group / rest x
in topic / not). Test: Fisher's exact test when an expected count is below 5, else Pearson's
chi-square (no continuity correction). P-values are adjusted with Holm-Bonferroni over every
test of the run; effect size is Cohen's h on the two shares.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Protocol

import numpy as np

from .registry import Registry
from .types import Comparison

YOUTH = "youth"


class Comparer(Protocol):
    def fit(
        self, topics: Sequence[str | None], attributes: Sequence[Mapping[str, str]]
    ) -> Comparer: ...

    comparisons_: list[Comparison]


COMPARERS: Registry[Comparer] = Registry("comparer")


def cohens_h(p1: float, p2: float) -> float:
    return float(2 * np.arcsin(np.sqrt(p1)) - 2 * np.arcsin(np.sqrt(p2)))


def holm(p_values: Sequence[float]) -> list[float]:
    m = len(p_values)
    order = np.argsort(p_values)
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p_values[i]))
        adjusted[i] = running
    return adjusted.tolist()


def two_by_two(a: int, b: int, c: int, d: int) -> tuple[str, float]:
    """p-value for [[a, b], [c, d]]."""
    from scipy.stats import chi2_contingency, fisher_exact

    table = np.array([[a, b], [c, d]])
    row = table.sum(axis=1, keepdims=True)
    col = table.sum(axis=0, keepdims=True)
    if (row == 0).any() or (col == 0).any():
        return "none", 1.0
    expected = row * col / table.sum()
    if (expected < 5).any():
        return "fisher", float(fisher_exact(table)[1])
    return "chi2", float(chi2_contingency(table, correction=False)[1])


@COMPARERS.register("none")
class NoComparer:
    """No-op: no comparisons."""

    def __init__(self, **_: object) -> None:
        pass

    def fit(
        self, topics: Sequence[str | None], attributes: Sequence[Mapping[str, str]]
    ) -> NoComparer:
        self.comparisons_: list[Comparison] = []
        return self


@COMPARERS.register("chi2")
class AttributeComparer:
    def __init__(
        self,
        attributes: Sequence[str] | None = None,
        youth_attribute: str = "age_band",
        youth_values: Sequence[str] = (),
        ignore_values: Sequence[str] = ("", "no_answer"),
        alpha: float = 0.05,
        min_group_size: int = 5,
    ) -> None:
        self.attributes = attributes
        self.youth_attribute = youth_attribute
        self.youth_values = youth_values
        self.ignore_values = ignore_values
        self.alpha = alpha
        self.min_group_size = min_group_size

    def _groups(self, attributes: Sequence[Mapping[str, str]]) -> dict[str, list[str | None]]:
        keys = self.attributes
        if keys is None:
            keys = sorted({k for a in attributes for k in a})
        ignore = set(self.ignore_values)
        columns: dict[str, list[str | None]] = {}
        for key in keys:
            values = [a.get(key) for a in attributes]
            columns[key] = [None if v is None or v in ignore else str(v) for v in values]
        youth = set(self.youth_values)
        if youth and self.youth_attribute in columns:
            columns[YOUTH] = [
                None if v is None else ("youth" if v in youth else "adult")
                for v in columns[self.youth_attribute]
            ]
        return columns

    def fit(
        self, topics: Sequence[str | None], attributes: Sequence[Mapping[str, str]]
    ) -> AttributeComparer:
        raw = []
        topic_ids = sorted({t for t in topics if t is not None})
        topic_index = {t: k for k, t in enumerate(topic_ids)}
        topic_codes = np.array([topic_index.get(t, -1) if t is not None else -1 for t in topics])
        for key, values in self._groups(attributes).items():
            groups = sorted({v for v in values if v is not None})
            group_index = {g: k for k, g in enumerate(groups)}
            codes = np.array([group_index[v] if v is not None else -1 for v in values])
            valid = (codes >= 0) & (topic_codes >= 0)
            if not valid.any():
                continue
            # contingency table group x topic, counted in one pass
            table = np.zeros((len(groups), len(topic_ids)), dtype=np.int64)
            np.add.at(table, (codes[valid], topic_codes[valid]), 1)
            sizes = table.sum(axis=1)
            tested = [g for g, n in zip(groups, sizes, strict=True) if n >= self.min_group_size]
            if len(tested) < 2:
                continue
            if key == YOUTH:
                tested = [g for g in tested if g == "youth"]
            total = int(sizes.sum())
            topic_totals = table.sum(axis=0)
            for group in tested:
                g = group_index[group]
                n_group = int(sizes[g])
                n_rest = total - n_group
                for topic, k in topic_index.items():
                    a = int(table[g, k])
                    c = int(topic_totals[k]) - a
                    test, p = two_by_two(a, n_group - a, c, n_rest - c)
                    if test == "none":
                        continue
                    p1, p2 = a / n_group, c / n_rest
                    raw.append((key, group, topic, a, n_group, c, n_rest, p1, p2, test, p))
        adjusted = holm([r[10] for r in raw]) if raw else []
        self.comparisons_ = [
            Comparison(
                attribute=r[0],
                group=r[1],
                topic=r[2],
                count_group=r[3],
                total_group=r[4],
                count_rest=r[5],
                total_rest=r[6],
                share_group=r[7],
                share_rest=r[8],
                effect_h=cohens_h(r[7], r[8]),
                test=r[9],
                p_value=r[10],
                p_adjusted=adj,
                significant=adj < self.alpha,
            )
            for r, adj in zip(raw, adjusted, strict=True)
        ]
        return self
