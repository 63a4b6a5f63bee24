"""machikoe vs red-dwarf on real Polis conversations: agreement with Polis' own groups, speed.

Run:  .venv/bin/python benchmarks/deliberation_polis.py [--repeats 3]
Peer set-up (once; red-dwarf pins other versions, so it lives in its own venv):
    python3 -m venv .peer-venvs/reddwarf && .peer-venvs/reddwarf/bin/pip install red-dwarf==0.4.0

For each conversation in ../shared/data/polis/ it prints participants, groups (Polis /
machikoe / red-dwarf), the adjusted Rand index of each against Polis' exported `group-id`
(over participants both clustered), and times (best of N, one thread):
- machikoe "replay": rebuilding the history update by update (what gives its groups;
  timed once, it runs hundreds of updates),
- machikoe "full": one complete recompute from scratch on the final votes,
- machikoe "update": one recompute after the last votes, continuing from the stored state,
- red-dwarf: `run_pipeline` once on the final votes (its only mode).
Writes benchmarks/out/deliberation_polis.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from sklearn.metrics import adjusted_rand_score

from machikoe.analysis.deliberation.model import ModelState, OpinionGroups, replay
from machikoe.analysis.deliberation.polis_io import read_export
from machikoe.analysis.deliberation.votes import VoteLog, build_matrix

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(os.environ.get("MACHIKOE_SHARED_DIR", ROOT.parent / "shared")) / "data" / "polis"
PEER = Path(os.environ.get("REDDWARF_PYTHON", ROOT / ".peer-venvs/reddwarf/bin/python"))
CONVERSATIONS = ("15-per-hour-seattle", "scoop-hivemind.biodiversity", "vtaiwan.uberx")


def ari(polis: dict[int, int | None], ours: dict[str, int | None]) -> float:
    common = [p for p, g in polis.items() if g is not None and ours.get(str(p)) is not None]
    return float(adjusted_rand_score([polis[p] for p in common], [ours[str(p)] for p in common]))


def fit(log: VoteLog, excluded: frozenset[int], state: ModelState | None) -> None:
    """One recompute: the matrix from the votes, then the whole pipeline."""
    OpinionGroups().fit(build_matrix(log, excluded), state)


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def run_peer(folder: Path, repeats: int) -> dict[str, object] | None:
    if not PEER.exists():
        print(
            f"red-dwarf not found at {PEER}: see the set-up command in this file", file=sys.stderr
        )
        return None
    out = subprocess.run(
        [
            str(PEER),
            str(Path(__file__).with_name("deliberation_reddwarf_runner.py")),
            str(folder),
            str(repeats),
        ],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name in CONVERSATIONS:
        folder = DATA / name
        export = read_export(folder)
        log = export.vote_log()
        excluded = export.moderated_out
        polis_groups = dict(export.groups)
        start = time.perf_counter()
        model = replay(log, excluded=excluded)  # slow: timed once
        replay_s = time.perf_counter() - start
        ours = {str(p): g for p, g in model.result_.group_of.items()}
        matrix = build_matrix(log, excluded)
        full_s = best_of(args.repeats, partial(fit, log, excluded, None))
        cold = OpinionGroups().fit(matrix).result_
        update_s = best_of(args.repeats, partial(fit, log, excluded, model.state_))
        peer = run_peer(folder, args.repeats)
        row = {
            "conversation": name,
            "participants": len(model.result_.participants),
            "clustered_polis": sum(1 for g in polis_groups.values() if g is not None),
            "groups_polis": len({g for g in polis_groups.values() if g is not None}),
            "groups_machikoe": len(model.result_.groups),
            "ari_machikoe": round(ari(polis_groups, ours), 3),
            "ari_machikoe_no_replay": round(
                ari(polis_groups, {str(p): g for p, g in cold.group_of.items()}), 3
            ),
            "seconds_machikoe_full": round(full_s, 4),
            "seconds_machikoe_update": round(update_s, 4),
            "seconds_machikoe_replay": round(replay_s, 3),
        }
        if peer is not None:
            peer_groups = peer["groups"]
            assert isinstance(peer_groups, dict)
            row.update(
                {
                    "groups_reddwarf": len(set(peer_groups.values())),
                    "ari_reddwarf": round(ari(polis_groups, peer_groups), 3),
                    "seconds_reddwarf": round(float(peer["seconds"]), 4),  # type: ignore[arg-type]
                }
            )
        rows.append(row)
        print(json.dumps(row, ensure_ascii=False), flush=True)
    header = (
        "conversation",
        "participants",
        "groups P/m/r",
        "ARI machikoe",
        "ARI red-dwarf",
        "full s",
        "update s",
        "replay s",
        "red-dwarf s",
    )
    print("\n| " + " | ".join(header) + " |\n|" + "---|" * len(header))
    for r in rows:
        print(
            f"| {r['conversation']} | {r['participants']} | {r['groups_polis']}/{r['groups_machikoe']}/{r.get('groups_reddwarf', '-')} "
            f"| {r['ari_machikoe']} | {r.get('ari_reddwarf', '-')} | {r['seconds_machikoe_full']} | {r['seconds_machikoe_update']} "
            f"| {r['seconds_machikoe_replay']} | {r.get('seconds_reddwarf', '-')} |"
        )
    mean = sum(float(r["ari_machikoe"]) for r in rows) / len(rows)  # type: ignore[arg-type]
    print(f"\nmean ARI machikoe {mean:.3f}")
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "deliberation_polis.json").write_text(
        json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8"
    )


if __name__ == "__main__":
    main()
