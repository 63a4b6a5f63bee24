"""Polis' statistics on groups: representativeness, consensus and group-informed consensus.

Counts per statement (for a group, or for everyone): n_a agrees, n_d disagrees, n_s votes
seen (agree + disagree + pass). With pseudo-counts (a Beta(1, 1) prior):
    p_a = (n_a + 1) / (n_s + 2)                         probability of agreeing
    z(p) = 2 · sqrt(n_s + 1) · ((n_a + 1) / (n_s + 1) − 1/2)   one-proportion test ("pat")
Between a group g and the rest of the participants r:
    r_a = p_a(g) / ((n_a(r) + 1) / (n_s(r) + 2))        representativeness ("ra")
    z₂ = two-proportion z test of (n_a(g)+1)/(n_s(g)+1) against (n_a(r)+1)/(n_s(r)+1)  ("rat")
and the same with disagrees. Significant means z > 1.2816 (one-sided, 90%).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
AnyFloatArray = NDArray[np.floating[Any]]
Z_90 = 1.2816


def prop_test(successes: FloatArray | float, n: FloatArray | float) -> FloatArray:
    """Polis' one-proportion z: 2·sqrt(n+1)·((successes+1)/(n+1) − 0.5)."""
    s = np.asarray(successes, dtype=np.float64) + 1
    m = np.asarray(n, dtype=np.float64) + 1
    return np.asarray(2 * np.sqrt(m) * (s / m - 0.5))


def two_prop_test(
    succ_in: FloatArray | float,
    succ_out: FloatArray | float,
    n_in: FloatArray | float,
    n_out: FloatArray | float,
) -> FloatArray:
    """Two-proportion z with +1 on every count:
    z = (p₁ − p₂) / sqrt(p̂(1 − p̂)(1/n₁ + 1/n₂)), p₁ = s₁/n₁, p₂ = s₂/n₂, p̂ = (s₁+s₂)/(n₁+n₂).
    z = 0 where p̂ = 1 (as Polis does)."""
    s1 = np.asarray(succ_in, dtype=np.float64) + 1
    s2 = np.asarray(succ_out, dtype=np.float64) + 1
    n1 = np.asarray(n_in, dtype=np.float64) + 1
    n2 = np.asarray(n_out, dtype=np.float64) + 1
    p_hat = (s1 + s2) / (n1 + n2)
    denom = np.sqrt(np.maximum(p_hat * (1 - p_hat) * (1 / n1 + 1 / n2), 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (s1 / n1 - s2 / n2) / denom
    return np.asarray(np.where((p_hat >= 1) | (denom == 0), 0.0, z))


def is_significant(z: FloatArray | float) -> NDArray[np.bool_]:
    """One-sided 90% significance: z > 1.2816."""
    return np.asarray(np.asarray(z) > Z_90)


@dataclass(frozen=True)
class VoteCounts:
    """n_a, n_d, n_s per statement (arrays of one length)."""

    agree: FloatArray
    disagree: FloatArray
    seen: FloatArray

    @classmethod
    def of(cls, values: AnyFloatArray) -> VoteCounts:
        """Counts over the rows of a vote matrix (NaN = not seen)."""
        return cls(
            agree=(values == 1).sum(axis=0).astype(np.float64),
            disagree=(values == -1).sum(axis=0).astype(np.float64),
            seen=(~np.isnan(values)).sum(axis=0).astype(np.float64),
        )

    def __add__(self, other: VoteCounts) -> VoteCounts:
        return VoteCounts(
            self.agree + other.agree, self.disagree + other.disagree, self.seen + other.seen
        )

    @property
    def p_agree(self) -> FloatArray:
        """(n_a + 1) / (n_s + 2)"""
        return (self.agree + 1) / (self.seen + 2)

    @property
    def p_disagree(self) -> FloatArray:
        """(n_d + 1) / (n_s + 2)"""
        return (self.disagree + 1) / (self.seen + 2)

    @property
    def z_agree(self) -> FloatArray:
        return prop_test(self.agree, self.seen)

    @property
    def z_disagree(self) -> FloatArray:
        return prop_test(self.disagree, self.seen)


@dataclass(frozen=True)
class StatementMeasure:
    """One statement's measures for a group (or for everyone, for consensus)."""

    statement: Hashable
    direction: str  # "agree" or "disagree"
    n_success: int
    n_trials: int
    p_success: float
    p_test: float
    repness: float = 0.0
    repness_test: float = 0.0
    best_agree: bool = False

    @property
    def metric(self) -> float:
        """Polis' ordering of representative statements: r · z₂ · p · z."""
        return self.repness * self.repness_test * self.p_success * self.p_test

    def to_dict(self) -> dict[str, object]:
        return {
            "statement": self.statement,
            "direction": self.direction,
            "n_success": self.n_success,
            "n_trials": self.n_trials,
            "p_success": round(self.p_success, 6),
            "p_test": round(self.p_test, 6),
            "repness": round(self.repness, 6),
            "repness_test": round(self.repness_test, 6),
            "best_agree": self.best_agree,
        }


@dataclass(frozen=True)
class GroupStats:
    """Per-statement arrays of a group against the rest (see module docstring)."""

    counts: VoteCounts
    ra: FloatArray
    rd: FloatArray
    rat: FloatArray
    rdt: FloatArray


def group_counts(
    values: AnyFloatArray, labels: NDArray[np.int64], n_groups: int
) -> list[VoteCounts]:
    """VoteCounts of each group 0..n_groups-1 (rows labelled −1 belong to none), computed as
    one-hot(labels)ᵀ · [x = 1], [x = −1], [x seen] without copying the groups' rows."""
    if n_groups == 0:
        return []
    onehot = (labels[None, :] == np.arange(n_groups)[:, None]).astype(np.float32)
    agree = onehot @ (values == 1).astype(np.float32)
    disagree = onehot @ (values == -1).astype(np.float32)
    seen = onehot @ (~np.isnan(values)).astype(np.float32)
    return [
        VoteCounts(
            agree[g].astype(np.float64), disagree[g].astype(np.float64), seen[g].astype(np.float64)
        )
        for g in range(n_groups)
    ]


def group_stats(group: VoteCounts, rest: VoteCounts) -> GroupStats:
    """r_a, r_d, z₂(agree), z₂(disagree) of a group against all other clustered groups."""
    return GroupStats(
        counts=group,
        ra=group.p_agree / ((rest.agree + 1) / (rest.seen + 2)),
        rd=group.p_disagree / ((rest.disagree + 1) / (rest.seen + 2)),
        rat=two_prop_test(group.agree, rest.agree, group.seen, rest.seen),
        rdt=two_prop_test(group.disagree, rest.disagree, group.seen, rest.seen),
    )


def _measure(
    stats: GroupStats, j: int, statement: Hashable, *, best_agree: bool = False
) -> StatementMeasure:
    """Polis' finalisation: report the agree side if z₂(agree) > z₂(disagree), else disagree."""
    c = stats.counts
    if stats.rat[j] > stats.rdt[j]:
        return StatementMeasure(
            statement,
            "agree",
            int(c.agree[j]),
            int(c.seen[j]),
            float(c.p_agree[j]),
            float(c.z_agree[j]),
            float(stats.ra[j]),
            float(stats.rat[j]),
            best_agree,
        )
    return StatementMeasure(
        statement,
        "disagree",
        int(c.disagree[j]),
        int(c.seen[j]),
        float(c.p_disagree[j]),
        float(c.z_disagree[j]),
        float(stats.rd[j]),
        float(stats.rdt[j]),
        best_agree,
    )


def representative_statements(
    stats: GroupStats,
    statements: Sequence[Hashable],
    *,
    excluded: NDArray[np.bool_] | None = None,
    limit: int = 5,
) -> list[StatementMeasure]:
    """A group's representative statements, selected as Polis does.

    A statement is sufficient when both tests are significant on one side
    (z(p_a) > 1.2816 and z₂(agree) > 1.2816, or the same for disagree). Up to `limit`
    sufficient statements are returned, sorted by r·z₂·p·z with the best agreed statement
    first and agrees before disagrees. With none sufficient, the single best by z₂ is
    returned so that every group has at least one.
    """
    c = stats.counts
    n = len(statements)
    skip = np.zeros(n, dtype=bool) if excluded is None else excluded
    pat, pdt = c.z_agree, c.z_disagree
    sufficient: list[int] = []
    best: int | None = None
    best_agree: int | None = None
    for j in range(n):
        if skip[j]:
            continue
        if (pat[j] > Z_90 and stats.rat[j] > Z_90) or (pdt[j] > Z_90 and stats.rdt[j] > Z_90):
            sufficient.append(j)
        if not sufficient and (
            best is None or max(stats.rat[j], stats.rdt[j]) > max(stats.rat[best], stats.rdt[best])
        ):
            best = j
        if _beats_best_agree(stats, j, best_agree, pat):
            best_agree = j
    head: list[StatementMeasure] = []
    if best_agree is not None:
        head = [_measure(stats, best_agree, statements[best_agree], best_agree=True)]
    elif best is not None:
        head = [_measure(stats, best, statements[best])]
    if not sufficient:
        return head
    rest = [_measure(stats, j, statements[j]) for j in sufficient if j != best_agree]
    rest.sort(key=lambda m: -m.metric)
    chosen = ([*head[:1]] if best_agree is not None else []) + rest
    chosen = chosen[:limit]
    return [m for m in chosen if m.direction == "agree"] + [
        m for m in chosen if m.direction == "disagree"
    ]


def _beats_best_agree(stats: GroupStats, j: int, current: int | None, pat: FloatArray) -> bool:
    """Polis' running choice of the group's best agreed statement."""
    c = stats.counts
    if c.agree[j] == 0 and c.disagree[j] == 0:
        return False
    pa = c.p_agree
    if current is not None and stats.ra[current] > 1.0:
        return bool(
            stats.ra[j] * stats.rat[j] * pa[j] * pat[j]
            > stats.ra[current] * stats.rat[current] * pa[current] * pat[current]
        )
    if current is not None:
        return bool(pa[j] * pat[j] > pa[current] * pat[current])
    return bool(pat[j] > Z_90 or (stats.ra[j] > 1.0 and pa[j] > 0.5))


def consensus_statements(
    counts: VoteCounts,
    statements: Sequence[Hashable],
    *,
    excluded: NDArray[np.bool_] | None = None,
    limit: int = 5,
) -> dict[str, list[StatementMeasure]]:
    """Statements most participants agree (or disagree) on, as Polis selects them.

    Kept when p > 0.5 and z(p) > 1.2816; sorted by p · z(p); the top `limit` each side.
    """
    skip = np.zeros(len(statements), dtype=bool) if excluded is None else excluded
    out: dict[str, list[StatementMeasure]] = {}
    for side, count, p, z in (
        ("agree", counts.agree, counts.p_agree, counts.z_agree),
        ("disagree", counts.disagree, counts.p_disagree, counts.z_disagree),
    ):
        keep = [j for j in range(len(statements)) if not skip[j] and p[j] > 0.5 and z[j] > Z_90]
        keep.sort(key=lambda j: -(p[j] * z[j]))
        out[side] = [
            StatementMeasure(
                statements[j], side, int(count[j]), int(counts.seen[j]), float(p[j]), float(z[j])
            )
            for j in keep[:limit]
        ]
    return out


def group_informed_consensus(groups: Sequence[VoteCounts]) -> FloatArray:
    """Polis' group-aware consensus: Π_g (n_a(g) + 1) / (n_s(g) + 2), one per statement.

    High only when every group tends to agree; a statement nobody saw scores 0.5^G.
    """
    if not groups:
        return np.zeros(0)
    result = np.ones_like(groups[0].agree)
    for g in groups:
        result = result * g.p_agree
    return result


def divisiveness(groups: Sequence[VoteCounts]) -> FloatArray:
    """How much groups differ on a statement: max_g p_a(g) − min_g p_a(g) (0 with < 2 groups).

    Not a Polis measure: machikoe's "divisive statements" list uses it (with the
    pseudo-counted agree probabilities above, so thinly voted statements stay near 0).
    """
    if len(groups) < 2:
        return np.zeros(0 if not groups else groups[0].agree.size)
    probs = np.vstack([g.p_agree for g in groups])
    return probs.max(axis=0) - probs.min(axis=0)
