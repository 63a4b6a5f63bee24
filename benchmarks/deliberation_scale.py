"""Scale of the deliberation maths: 10,000 participants × 1,000 statements, 30% voted.

Run:  .venv/bin/python benchmarks/deliberation_scale.py
Prints the time of a first full computation and of a recompute after 1,000 new votes that
continues from the stored state (the target is within 2 s), one thread.
"""

from __future__ import annotations

import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from machikoe.analysis.deliberation.model import ModelState, OpinionGroups
from machikoe.analysis.deliberation.votes import VoteLog, build_matrix

N_PARTICIPANTS = 10_000
N_STATEMENTS = 1_000
DENSITY = 0.30
N_NEW = 1_000


def synthetic(seed: int = 0) -> VoteLog:
    """Three opinion camps, each with its own agree probability per statement."""
    rng = np.random.default_rng(seed)
    camp = rng.integers(0, 3, N_PARTICIPANTS)
    p_agree = rng.uniform(0.1, 0.9, size=(3, N_STATEMENTS))
    mask = rng.random((N_PARTICIPANTS, N_STATEMENTS)) < DENSITY
    p_idx, s_idx = np.nonzero(mask)
    draw = rng.random(p_idx.size)
    pa = p_agree[camp[p_idx], s_idx]
    vote = np.where(draw < pa * 0.85, 1, np.where(draw < pa * 0.85 + 0.15, 0, -1)).astype(np.int8)
    order = rng.permutation(p_idx.size)
    return VoteLog(
        participants=tuple(range(N_PARTICIPANTS)),
        statements=tuple(range(N_STATEMENTS)),
        p_index=p_idx[order].astype(np.int64),
        s_index=s_idx[order].astype(np.int64),
        vote=vote[order],
        time=np.arange(p_idx.size, dtype=np.float64),
    )


def with_new_votes(log: VoteLog, n: int, seed: int = 1) -> VoteLog:
    rng = np.random.default_rng(seed)
    return VoteLog(
        log.participants,
        log.statements,
        np.concatenate([log.p_index, rng.integers(0, N_PARTICIPANTS, n)]),
        np.concatenate([log.s_index, rng.integers(0, N_STATEMENTS, n)]),
        np.concatenate([log.vote, rng.integers(-1, 2, n).astype(np.int8)]),
        np.concatenate([log.time, log.time[-1] + 1 + np.arange(n, dtype=np.float64)]),
    )


def main() -> None:
    log = synthetic()
    print(
        f"synthetic: {N_PARTICIPANTS} participants × {N_STATEMENTS} statements, {len(log):,} votes ({len(log) / (N_PARTICIPANTS * N_STATEMENTS):.0%} of cells)"
    )
    start = time.perf_counter()
    first = OpinionGroups().fit(build_matrix(log))
    print(
        f"first full computation: {time.perf_counter() - start:.2f} s, groups {len(first.result_.groups)}"
    )
    state = ModelState.from_dict(first.state_.to_dict())  # as stored between requests
    newer = with_new_votes(log, N_NEW)
    times = []
    for _ in range(3):
        start = time.perf_counter()
        t0 = time.perf_counter()
        matrix = build_matrix(newer)
        t_matrix = time.perf_counter() - t0
        model = OpinionGroups().fit(matrix, state)
        times.append((time.perf_counter() - start, t_matrix))
    best = min(times)
    print(
        f"recompute after {N_NEW} new votes: {best[0]:.2f} s (matrix {best[1]:.2f} s), groups {len(model.result_.groups)} — target ≤ 2 s: {'OK' if best[0] <= 2 else 'MISSED'}"
    )


if __name__ == "__main__":
    main()
