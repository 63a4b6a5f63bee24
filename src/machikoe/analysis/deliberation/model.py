"""The whole Polis pipeline as one estimator: matrix → PCA → base clusters → groups → stats.

`OpinionGroups(...).fit(matrix, state)` runs one Polis "update". `state` carries what Polis
remembers between updates (who is in the conversation, the PCA axes, the base clusters, the
group clusterings per k and the k-smoother), so a run after new votes starts from the last
one. `replay(log)` rebuilds that history from the vote timestamps, which is how Polis' own
groups come about.

Steps (Polis' conversation update):
1. participants with >= min(7, n_statements) votes join the conversation for good; if
   fewer than 15 are in, the most active others are added up to 15;
2. PCA of the column-mean-imputed matrix, sparsity-aware projection of everyone;
3. 100 base clusters by k-means on the projections of those in the conversation;
4. for k = 2 .. min(5, 2 + n_base // 12): k-means on base-cluster centres weighted by their
   sizes; the k with the best silhouette wins, but the shown k only changes after the same
   k has won `k_buffer` (4) updates in a row;
5. each group's representative statements, consensus, group-informed consensus.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from machikoe.analysis.deliberation.kmeans import Cluster, kmeans, silhouette
from machikoe.analysis.deliberation.pca import (
    centered,
    column_means,
    power_pca,
    project_participants,
)
from machikoe.analysis.deliberation.repness import (
    StatementMeasure,
    VoteCounts,
    consensus_statements,
    divisiveness,
    group_counts,
    group_informed_consensus,
    group_stats,
    representative_statements,
)
from machikoe.analysis.deliberation.votes import VoteLog, VoteMatrix, build_matrix

MIN_VOTES = 7


@dataclass(frozen=True)
class KSmoother:
    """Polis' k-smoothing: switch the shown k only after `buffer` consecutive wins."""

    last_k: int | None = None
    last_k_count: int = 0
    smoothed_k: int | None = None

    def update(self, this_k: int, buffer: int) -> KSmoother:
        """count = count + 1 if this_k == last_k else 1; shown k = this_k once count >= buffer."""
        count = self.last_k_count + 1 if self.last_k == this_k else 1
        smoothed = this_k if count >= buffer or self.smoothed_k is None else self.smoothed_k
        return KSmoother(this_k, count, smoothed)


@dataclass(frozen=True)
class ModelState:
    """What Polis keeps between updates (all keyed by stable ids, so JSON-serialisable)."""

    in_conv: frozenset[Hashable] = frozenset()
    statements: tuple[Hashable, ...] = ()
    components: tuple[tuple[float, ...], ...] = ()
    base_clusters: tuple[Cluster, ...] = ()
    group_clusterings: dict[int, tuple[Cluster, ...]] = field(default_factory=dict)
    smoother: KSmoother = KSmoother()

    def start_vectors(self, statements: Sequence[Hashable]) -> NDArray[np.float64] | None:
        """Last PCA axes laid out on the current statements (new statements get 0)."""
        if not self.components:
            return None
        pos = {s: i for i, s in enumerate(self.statements)}
        old = np.array(self.components)
        start = np.zeros((old.shape[0], len(statements)))
        for j, s in enumerate(statements):
            if s in pos:
                start[:, j] = old[:, pos[s]]
        return start

    def to_dict(self) -> dict[str, object]:
        return {
            "in_conv": sorted(self.in_conv, key=str),
            "statements": list(self.statements),
            "components": [list(c) for c in self.components],
            "base_clusters": [c.to_dict() for c in self.base_clusters],
            "group_clusterings": {
                str(k): [c.to_dict() for c in v] for k, v in self.group_clusterings.items()
            },
            "smoother": {
                "last_k": self.smoother.last_k,
                "last_k_count": self.smoother.last_k_count,
                "smoothed_k": self.smoother.smoothed_k,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelState:
        """The inverse of `to_dict` (state stored as JSON between requests)."""
        sm = data.get("smoother") or {}
        groups = data.get("group_clusterings") or {}
        return cls(
            in_conv=frozenset(data.get("in_conv") or ()),
            statements=tuple(data.get("statements") or ()),
            components=tuple(tuple(c) for c in data.get("components") or ()),
            base_clusters=tuple(Cluster.from_dict(c) for c in data.get("base_clusters") or ()),
            group_clusterings={
                int(k): tuple(Cluster.from_dict(c) for c in v) for k, v in groups.items()
            },
            smoother=KSmoother(
                sm.get("last_k"), int(sm.get("last_k_count") or 0), sm.get("smoothed_k")
            ),
        )


@dataclass(frozen=True)
class Group:
    """An opinion group: its participants and representative statements."""

    id: int
    members: tuple[Hashable, ...]
    representative: tuple[StatementMeasure, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "members": len(self.members),
            "representative": [m.to_dict() for m in self.representative],
        }


@dataclass(frozen=True)
class DeliberationResult:
    """Everything one update computes. `group_of[p]` is None for participants not clustered."""

    participants: tuple[Hashable, ...]
    statements: tuple[Hashable, ...]
    positions: NDArray[np.float64]
    group_of: dict[Hashable, int | None]
    groups: tuple[Group, ...]
    consensus: dict[str, list[StatementMeasure]]
    group_informed_consensus: dict[Hashable, float]
    divisive: dict[Hashable, float]
    group_agree: dict[int, dict[Hashable, tuple[int, int, int]]]
    n_votes: int
    k_best: int | None
    reason: str | None = None

    def to_dict(self) -> dict[str, object]:
        """The JSON shape of `machikoe deliberate --json`."""
        return {
            "participants": {str(p): self.group_of.get(p) for p in self.participants},
            "groups": [g.to_dict() for g in self.groups],
            "consensus": {side: [m.to_dict() for m in ms] for side, ms in self.consensus.items()},
            "group_informed_consensus": [
                {"statement": s, "score": round(v, 6)}
                for s, v in sorted(self.group_informed_consensus.items(), key=lambda kv: -kv[1])
            ],
            "divisive": [
                {"statement": s, "score": round(v, 6)}
                for s, v in sorted(self.divisive.items(), key=lambda kv: -kv[1])
            ],
            "n_participants": len(self.participants),
            "n_statements": len(self.statements),
            "n_votes": self.n_votes,
            "reason": self.reason,
        }


class OpinionGroups:
    """Polis' opinion-group pipeline (scikit-learn style: params in init, `fit` returns self).

    Learned: `result_` (DeliberationResult), `state_` (ModelState for the next update),
    `pca_` (PCAResult).
    """

    def __init__(
        self,
        *,
        min_votes: int = MIN_VOTES,
        greedy_n: int = 15,
        base_k: int = 100,
        max_k: int = 5,
        k_buffer: int = 4,
        base_iters: int = 100,
        group_iters: int = 20,
        pca_iters: int = 100,
        min_voters: int = MIN_VOTES,
        random_state: int = 0,
    ) -> None:
        self.min_votes = min_votes
        self.greedy_n = greedy_n
        self.base_k = base_k
        self.max_k = max_k
        self.k_buffer = k_buffer
        self.base_iters = base_iters
        self.group_iters = group_iters
        self.pca_iters = pca_iters
        self.min_voters = min_voters
        self.random_state = random_state

    # -- one update -------------------------------------------------------------------
    def fit(
        self, matrix: VoteMatrix, state: ModelState | None = None, *, summarise: bool = True
    ) -> OpinionGroups:
        """Run one Polis update on `matrix`, continuing from `state` (None = first run).

        `summarise=False` skips the statistics (for intermediate steps of a replay).
        """
        state = state or ModelState()
        names = matrix.participants
        n_stmts = len(matrix.statements)
        in_conv = select_in_conversation(
            names, matrix.raw_counts, n_stmts, state.in_conv, self.min_votes, self.greedy_n
        )
        center = column_means(matrix.values)
        centred = centered(matrix.values, center)
        pca = power_pca(
            matrix.values,
            start=state.start_vectors(matrix.statements),
            max_iter=self.pca_iters,
            random_state=self.random_state,
            x=centred,
            center=center,
        )
        self.pca_ = pca
        positions = project_participants(matrix.values, pca, centred)
        del centred
        voters = int(np.count_nonzero(matrix.raw_counts))
        base: tuple[Cluster, ...] = ()
        clusterings: dict[int, tuple[Cluster, ...]] = dict(state.group_clusterings)
        smoother = state.smoother
        chosen: tuple[Cluster, ...] = ()
        k_best: int | None = None
        reason: str | None = None
        if voters < self.min_voters:
            reason = "too_few_voters"
        else:
            rows = np.array([i for i, p in enumerate(names) if p in in_conv], dtype=np.int64)
            base = tuple(
                kmeans(
                    positions[rows],
                    [names[i] for i in rows],
                    self.base_k,
                    last=state.base_clusters or None,
                    max_iter=self.base_iters,
                )
            )
            if len(base) < 2:
                reason = "too_few_clusters"
            else:
                centers = np.array([c.center for c in base])
                weights = np.array([len(c.members) for c in base], dtype=np.float64)
                bids = [c.id for c in base]
                scores: dict[int, float] = {}
                for k in range(2, max_k_for(len(base), self.max_k) + 1):
                    clusters = tuple(
                        kmeans(
                            centers,
                            bids,
                            k,
                            last=clusterings.get(k),
                            weights=weights,
                            max_iter=self.group_iters,
                        )
                    )
                    clusterings[k] = clusters
                    label = {b: g for g, c in enumerate(clusters) for b in c.members}
                    scores[k] = silhouette(centers, np.array([label[b] for b in bids]))
                k_best = max(scores, key=lambda k: scores[k])
                smoother = smoother.update(k_best, self.k_buffer)
                chosen = clusterings[smoother.smoothed_k or k_best]
        self.state_ = ModelState(
            in_conv=frozenset(in_conv),
            statements=matrix.statements,
            components=tuple(tuple(float(x) for x in row) for row in pca.components),
            base_clusters=base,
            group_clusterings=clusterings,
            smoother=smoother,
        )
        self.positions_ = positions
        self.groups_ = chosen
        if summarise:
            self.result_ = self._summarise(matrix, positions, base, chosen, k_best, reason)
        return self

    def _summarise(
        self,
        matrix: VoteMatrix,
        positions: NDArray[np.float64],
        base: Sequence[Cluster],
        chosen: Sequence[Cluster],
        k_best: int | None,
        reason: str | None,
    ) -> DeliberationResult:
        names = matrix.participants
        stmts = matrix.statements
        base_of = {p: c.id for c in base for p in c.members}
        group_of_base = {b: gid for gid, c in enumerate(chosen) for b in c.members}
        group_of: dict[Hashable, int | None] = {
            p: group_of_base.get(base_of[p]) if p in base_of else None for p in names
        }
        values = matrix.values
        labels = np.array(
            [-1 if group_of[p] is None else group_of[p] for p in names], dtype=np.int64
        )
        counts = group_counts(values, labels, len(chosen))
        groups: list[Group] = []
        group_agree: dict[int, dict[Hashable, tuple[int, int, int]]] = {}
        for g, own in enumerate(counts):
            rest = _sum_counts([c for h, c in enumerate(counts) if h != g], len(stmts))
            reps = representative_statements(
                group_stats(own, rest), stmts, excluded=matrix.excluded
            )
            members = tuple(p for p in names if group_of[p] == g)
            groups.append(Group(g, members, tuple(reps)))
            group_agree[g] = {
                s: (int(own.agree[j]), int(own.disagree[j]), int(own.seen[j]))
                for j, s in enumerate(stmts)
            }
        keep = ~matrix.excluded if matrix.excluded.size else np.ones(len(stmts), dtype=bool)
        gic = group_informed_consensus(counts)
        div = divisiveness(counts)
        everyone = VoteCounts.of(values)
        return DeliberationResult(
            participants=names,
            statements=stmts,
            positions=positions,
            group_of=group_of,
            groups=tuple(groups),
            consensus=consensus_statements(everyone, stmts, excluded=matrix.excluded),
            group_informed_consensus={
                s: float(gic[j]) for j, s in enumerate(stmts) if gic.size and keep[j]
            },
            divisive={s: float(div[j]) for j, s in enumerate(stmts) if div.size and keep[j]},
            group_agree=group_agree,
            n_votes=int(matrix.raw_counts.sum()),
            k_best=k_best,
            reason=reason,
        )


def _sum_counts(counts: Sequence[VoteCounts], n: int) -> VoteCounts:
    total = VoteCounts(np.zeros(n), np.zeros(n), np.zeros(n))
    for c in counts:
        total = total + c
    return total


def select_in_conversation(
    names: Sequence[Hashable],
    raw_counts: NDArray[np.int64],
    n_statements: int,
    previous: Iterable[Hashable] = (),
    min_votes: int = MIN_VOTES,
    greedy_n: int = 15,
) -> set[Hashable]:
    """Who is clustered: everyone who was in before, plus anyone with
    n_votes >= min(min_votes, n_statements); if fewer than `greedy_n`, the most active
    others are added until there are `greedy_n`."""
    present = set(names)
    in_conv = {p for p in previous if p in present}
    threshold = min(min_votes, n_statements)
    in_conv.update(p for p, c in zip(names, raw_counts, strict=True) if c >= threshold and c > 0)
    if len(in_conv) < greedy_n:
        others = sorted(
            (
                (int(c), i)
                for i, (p, c) in enumerate(zip(names, raw_counts, strict=True))
                if p not in in_conv and c > 0
            ),
            key=lambda t: (-t[0], t[1]),
        )
        in_conv.update(names[i] for _, i in others[: greedy_n - len(in_conv)])
    return in_conv


def max_k_for(n_base: int, max_k: int = 5) -> int:
    """Polis' cap on the number of groups: min(max_k, 2 + n_base // 12)."""
    return min(max_k, 2 + n_base // 12)


def replay_schedule(
    log: VoteLog, *, gap: float = 3600.0, early: int = 0, max_updates: int = 300
) -> list[int]:
    """Vote counts after which to run an update when replaying a log.

    Polis recomputes whenever new votes arrive (it polls every second), so its first
    clusters form after the very first votes and later ones grow from them. Replaying every
    second is too slow; instead an update runs
    - at the end of each burst of voting: wherever the next vote comes more than `gap`
      seconds later (an hour by default; at most `max_updates` of these, evenly thinned),
    - and optionally after `early` geometrically spaced vote counts (1, 2, 4, …).
    The defaults were checked against Polis' own groups on three real conversations
    (benchmarks/deliberation_polis.py); the result depends on the history, as Polis' does.
    The last update always covers the whole log.
    """
    n = len(log)
    if n == 0:
        return []
    ends = (np.flatnonzero(np.diff(log.time) > gap) + 1).tolist()
    if len(ends) > max_updates:
        step = len(ends) / max_updates
        ends = [ends[int(i * step)] for i in range(max_updates)]
    first = (
        np.unique(np.geomspace(1, n, num=max(early, 2)).astype(np.int64)).tolist() if early else []
    )
    return sorted({int(e) for e in [*ends, *first] if e > 0} | {n})


def replay(
    log: VoteLog,
    *,
    excluded: Iterable[Hashable] = (),
    model: OpinionGroups | None = None,
    gap: float = 3600.0,
    early: int = 0,
    max_updates: int = 300,
    state: ModelState | None = None,
) -> OpinionGroups:
    """Replay the vote history through successive updates; returns the fitted model of the
    last one (its `state_` carries on from there)."""
    model = model or OpinionGroups()
    excluded = tuple(excluded)
    ends = replay_schedule(log, gap=gap, early=early, max_updates=max_updates)
    for i, end in enumerate(ends):
        model.fit(build_matrix(log.until(end), excluded), state, summarise=i == len(ends) - 1)
        state = model.state_
    return model
