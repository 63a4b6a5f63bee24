"""Run red-dwarf (the peer) on one Polis export; prints JSON {groups, seconds}.

Runs inside red-dwarf's own virtual environment (it pins other versions than ours):
    python3 -m venv .peer-venvs/reddwarf && .peer-venvs/reddwarf/bin/pip install red-dwarf==0.4.0
Called by benchmarks/deliberation_polis.py through subprocess. Time = best of N runs of
`run_pipeline` alone (the CSV reading is not timed), one thread.
"""

from __future__ import annotations

import csv
import json
import sys
import time
from pathlib import Path


def main(folder: Path, repeats: int) -> None:
    import pandas as pd
    from reddwarf.implementations.polis import run_pipeline

    with (folder / "comments.csv").open(encoding="utf-8") as f:
        mod_out = [int(r["comment-id"]) for r in csv.DictReader(f) if int(r["moderated"]) < 0]
    latest: dict[tuple[int, int], dict[str, int]] = {}
    with (folder / "votes.csv").open(encoding="utf-8") as f:
        # The history is kept in the export; the latest vote per pair is the one that counts.
        for r in sorted(csv.DictReader(f), key=lambda r: int(r["timestamp"])):
            key = (int(r["voter-id"]), int(r["comment-id"]))
            latest[key] = {
                "participant_id": key[0],
                "statement_id": key[1],
                "vote": int(r["vote"]),
                "modified": int(r["timestamp"]),
            }
    votes = list(latest.values())
    best = float("inf")
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run_pipeline(votes=votes, mod_out_statement_ids=mod_out, random_state=0)
        best = min(best, time.perf_counter() - start)
    assert result is not None
    df = result.participants_df
    groups = {}
    for pid, row in df.iterrows():
        label = row.get("cluster_id")
        if label is None or pd.isna(label):
            continue
        groups[str(int(pid))] = int(label)
    print(json.dumps({"groups": groups, "seconds": best}))


if __name__ == "__main__":
    main(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 3)
