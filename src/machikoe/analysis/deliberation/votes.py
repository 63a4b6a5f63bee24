"""Vote logs and the participant × statement matrix, as Polis builds them.

Votes use the sign of Polis' export: agree = +1, disagree = -1, pass = 0 (Polis' internal
matrix uses the opposite sign; only the sign convention differs). A missing vote is NaN.
History is kept in the log; the matrix holds the latest vote per (participant, statement).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

AGREE = 1
DISAGREE = -1
PASS = 0
VOTE_VALUES = frozenset({AGREE, DISAGREE, PASS})

FloatMatrix = NDArray[np.float32]  # votes fit exactly; half the memory of float64


@dataclass(frozen=True)
class VoteLog:
    """Every vote ever cast, in arrival order: parallel arrays plus the id tables.

    `participants[p_index[i]]` cast `vote[i]` on `statements[s_index[i]]` at `time[i]`
    (seconds). Ids are whatever the source uses (Polis export ids, database ids).
    """

    participants: tuple[Hashable, ...]
    statements: tuple[Hashable, ...]
    p_index: NDArray[np.int64]
    s_index: NDArray[np.int64]
    vote: NDArray[np.int8]
    time: NDArray[np.float64]

    @classmethod
    def from_events(
        cls,
        events: Iterable[tuple[Hashable, Hashable, int, float]],
        *,
        statements: Sequence[Hashable] = (),
    ) -> VoteLog:
        """Build a log from (participant, statement, vote, time) tuples, sorted by time.

        `statements` may list statements that have no vote yet (they keep their order first).
        """
        p_ids: dict[Hashable, int] = {}
        s_ids: dict[Hashable, int] = {s: i for i, s in enumerate(statements)}
        rows: list[tuple[int, int, int, float]] = []
        for participant, statement, vote, when in events:
            if vote not in VOTE_VALUES:
                raise ValueError(f"vote must be -1, 0 or 1, not {vote!r}")
            p = p_ids.setdefault(participant, len(p_ids))
            s = s_ids.setdefault(statement, len(s_ids))
            rows.append((p, s, int(vote), float(when)))
        arr = np.array(rows, dtype=np.float64).reshape(-1, 4)
        order = np.argsort(arr[:, 3], kind="stable")
        arr = arr[order]
        return cls(
            participants=tuple(p_ids),
            statements=tuple(s_ids),
            p_index=arr[:, 0].astype(np.int64),
            s_index=arr[:, 1].astype(np.int64),
            vote=arr[:, 2].astype(np.int8),
            time=arr[:, 3].astype(np.float64),
        )

    def __len__(self) -> int:
        return int(self.vote.shape[0])

    def until(self, n_votes: int) -> VoteLog:
        """The log as it stood after its first `n_votes` votes (for replaying history)."""
        return VoteLog(
            self.participants,
            self.statements,
            self.p_index[:n_votes],
            self.s_index[:n_votes],
            self.vote[:n_votes],
            self.time[:n_votes],
        )


@dataclass(frozen=True)
class VoteMatrix:
    """Latest votes: rows = participants, columns = statements, NaN = not voted.

    `excluded` marks statements moderated out (or meta statements): Polis sets every cell
    of such a column to 0 (not NaN), so the column carries no opinion but still counts in
    n_comments and in each participant's n_votes for the projection scaling.
    `raw_counts` is each participant's number of real votes (before zeroing), which
    decides who is clustered.
    """

    participants: tuple[Hashable, ...]
    statements: tuple[Hashable, ...]
    values: FloatMatrix
    raw_counts: NDArray[np.int64]
    excluded: NDArray[np.bool_] = field(default_factory=lambda: np.zeros(0, dtype=bool))

    @property
    def shape(self) -> tuple[int, int]:
        return (len(self.participants), len(self.statements))

    def to_dict(self) -> dict[str, object]:
        return {
            "participants": list(self.participants),
            "statements": list(self.statements),
            "n_votes": int(np.count_nonzero(~np.isnan(self.values))),
        }


def build_matrix(log: VoteLog, excluded: Iterable[Hashable] = ()) -> VoteMatrix:
    """The latest-vote matrix of a log, with Polis' zeroing of excluded columns.

    Rows are the participants who voted and columns the statements voted on so far, both
    in order of first appearance (as Polis' named matrix grows). For every (p, s) the vote
    with the greatest time counts (ties: the later one in the log).
    """
    p_order = _first_appearance(log.p_index)
    s_order = _first_appearance(log.s_index)
    p_pos = np.full(len(log.participants), -1, dtype=np.int64)
    p_pos[p_order] = np.arange(p_order.size)
    s_pos = np.full(len(log.statements), -1, dtype=np.int64)
    s_pos[s_order] = np.arange(s_order.size)
    values = np.full((p_order.size, s_order.size), np.nan, dtype=np.float32)
    # Log is sorted by time: assigning in order leaves the latest vote in each cell.
    values[p_pos[log.p_index], s_pos[log.s_index]] = log.vote
    raw_counts = np.count_nonzero(~np.isnan(values), axis=1).astype(np.int64)
    statements = tuple(log.statements[i] for i in s_order)
    excluded_set = set(excluded)
    mask = np.array([s in excluded_set for s in statements], dtype=bool)
    if mask.any():
        values[:, mask] = 0.0
    return VoteMatrix(
        participants=tuple(log.participants[i] for i in p_order),
        statements=statements,
        values=values,
        raw_counts=raw_counts,
        excluded=mask,
    )


def _first_appearance(index: NDArray[np.int64]) -> NDArray[np.int64]:
    """Ids in the order they first appear in `index` (O(n): with repeated indices the last
    assignment wins, so writing positions in reverse leaves each id's first position)."""
    if index.size == 0:
        return np.zeros(0, dtype=np.int64)
    first = np.full(int(index.max()) + 1, -1, dtype=np.int64)
    positions = np.arange(index.size, dtype=np.int64)
    first[index[::-1]] = positions[::-1]
    ids = np.flatnonzero(first >= 0)
    return ids[np.argsort(first[ids], kind="stable")].astype(np.int64)
