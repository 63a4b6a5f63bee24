"""How fast the EBPM maths evaluates many indicators (library only, no database).

    .venv/bin/python benchmarks/ebpm_evaluate.py [--n 10000] [--seed 0] [--csv]

Synthetic indicators: random direction, baseline 2013–2018, target 2026–2035, 3–15 yearly
observations around a noisy trend (some below 3 observations to exercise the "no
projection" branch). Prints the wall time of `evaluate` over all of them, the time per
indicator, the share of each status, and with --csv the time of the CLI path (writing and
reading the two CSV files, then evaluating), with results in benchmarks/out/.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path

import numpy as np

from machikoe.analysis.ebpm import Direction, IndicatorSpec, Observation, evaluate

OUT = Path(__file__).parent / "out"


def synthetic(n: int, seed: int) -> list[tuple[IndicatorSpec, list[Observation]]]:
    rng = np.random.default_rng(seed)
    items = []
    for i in range(n):
        direction = Direction.UP if rng.random() < 0.5 else Direction.DOWN
        y0 = int(rng.integers(2013, 2019))
        yt = int(rng.integers(2026, 2036))
        base = float(rng.uniform(10, 1000))
        change = float(rng.uniform(0.05, 0.5)) * base
        target = base + change if direction is Direction.UP else base - change
        n_obs = int(rng.integers(1, 16))
        pace = float(rng.uniform(-0.5, 1.5))  # share of the required pace actually achieved
        years = sorted(rng.choice(np.arange(y0, 2026), size=min(n_obs, 2026 - y0), replace=False))
        slope = (target - base) / (yt - y0) * pace
        noise = float(rng.uniform(0.001, 0.05)) * base
        obs = [
            Observation(int(y), max(0.1, base + slope * (y - y0) + float(rng.normal(0, noise))))
            for y in years
        ]
        spec = IndicatorSpec(f"I{i:05d}", f"指標{i}", "単位", direction, y0, base, yt, target)
        items.append((spec, obs))
    return items


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--csv", action="store_true", help="also time the CLI's CSV path")
    args = parser.parse_args()

    items = synthetic(args.n, args.seed)
    start = time.perf_counter()
    results = [evaluate(spec, obs, year=2025) for spec, obs in items]
    elapsed = time.perf_counter() - start
    statuses = Counter(r.status.label for r in results)
    projected = sum(r.projection is not None for r in results)
    print(f"indicators: {len(results):,}  observations: {sum(len(o) for _, o in items):,}")
    print(f"evaluate(): {elapsed:.2f} s total, {elapsed / len(results) * 1e6:.0f} µs per indicator")
    print(f"with projection: {projected:,}  statuses: {dict(statuses)}")

    if args.csv:
        OUT.mkdir(exist_ok=True)
        ind_path, obs_path = OUT / "ebpm_indicators.csv", OUT / "ebpm_observations.csv"
        with ind_path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(
                [
                    "id",
                    "name",
                    "unit",
                    "direction",
                    "baseline_year",
                    "baseline_value",
                    "target_year",
                    "target_value",
                ]
            )
            for spec, _ in items:
                w.writerow(
                    [
                        spec.id,
                        spec.name,
                        spec.unit,
                        spec.direction.value,
                        spec.baseline_year,
                        spec.baseline_value,
                        spec.target_year,
                        spec.target_value,
                    ]
                )
        with obs_path.open("w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["id", "year", "value"])
            for spec, obs in items:
                for o in obs:
                    w.writerow([spec.id, o.year, o.value])
        from machikoe.analysis.ebpm.inputs import load_pair

        start = time.perf_counter()
        specs, by_id = load_pair(ind_path, obs_path)
        loaded = time.perf_counter() - start
        start = time.perf_counter()
        payload = [evaluate(s, by_id[s.id], year=2025).to_cli_dict() for s in specs]
        (OUT / "ebpm_evaluate.json").write_text(json.dumps(payload, ensure_ascii=False), "utf-8")
        written = time.perf_counter() - start
        print(f"CLI path: read+check CSV {loaded:.2f} s, evaluate+write JSON {written:.2f} s")


if __name__ == "__main__":
    main()
