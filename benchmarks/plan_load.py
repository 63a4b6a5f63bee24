"""Load test of the public plan pages against a real server on loopback.

Starts `machikoe serve` (gunicorn) on SQLite and on PostgreSQL, loads the seed plan, and
drives the overview, the nine considerations, the six perspectives, a sub-item and the
glossary — half the requests in こどもモード — with wrk for DURATION seconds each.
Prints requests/s and p50/p99 latency; writes benchmarks/out/plan_load.json.

Set-up: apt-get install -y wrk ; PostgreSQL at postgres://postgres@127.0.0.1:5432
(the script creates and drops its own database `machikoe_bench`).

    .venv/bin/python benchmarks/plan_load.py                  # both databases, 20 s each
    .venv/bin/python benchmarks/plan_load.py --db sqlite --duration 10
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_BENCH_DB = "machikoe_bench"

PATHS = (
    ["/plan/", "/plan/glossary/"]
    + [f"/plan/C{i}/" for i in range(1, 10)]
    + [f"/plan/V{i}/" for i in range(1, 7)]
    + ["/plan/V4-2/"]
)

LUA = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  local path = paths[(n %% #paths) + 1]
  local kodomo = (math.floor(n / #paths) %% 2 == 1) and "1" or "0"
  return wrk.format("GET", path, {["Cookie"] = "machikoe_kodomo=" .. kodomo})
end
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    "RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"errors\\": %%d, " ..
    "\\"p50_us\\": %%d, \\"p90_us\\": %%d, \\"p99_us\\": %%d, \\"max_us\\": %%d}\\n",
    summary.requests, summary.duration, errors,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def machikoe() -> list[str]:
    return [sys.executable, "-c", "from machikoe.cli import main; main()"]


def reset_postgres() -> str:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_BENCH_DB}")
    return f"postgres://postgres@127.0.0.1:5432/{PG_BENCH_DB}"


def drop_postgres() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_BENCH_DB} WITH (FORCE)")


def wait_ready(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit("the server exited before it was ready")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer {url} in {timeout} s")


def group_cpu_seconds(pgid: int) -> float:
    """User+system CPU seconds used so far by every live process in a process group."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:  # field 5 (pgrp), counted after the command name
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def run_wrk(base: str, duration: int, connections: int, threads: int, script: Path) -> dict:
    command = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    line = next(x for x in output.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line[len("RESULT ") :])
    return {
        "requests": raw["requests"],
        "errors": raw["errors"],
        "requests_per_s": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
    }


def bench(database: str, args: argparse.Namespace, script: Path) -> dict:
    data_dir = Path(tempfile.mkdtemp(prefix=f"machikoe-bench-{database}-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("MACHIKOE_")}
    env.pop("DATABASE_URL", None)
    env.update(MACHIKOE_DATA_DIR=str(data_dir), MACHIKOE_INSECURE_HTTP="1")
    if database == "postgres":
        env["DATABASE_URL"] = reset_postgres()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [
            *machikoe(),
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
            "--threads",
            str(args.server_threads),
            "--no-task-worker",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_ready(base + "/plan/", server)
        run_wrk(base, 3, args.connections, args.threads, script)  # warm every worker's caches
        cpu_before = group_cpu_seconds(server.pid)
        wrk_before = resource.getrusage(resource.RUSAGE_CHILDREN)
        result = run_wrk(base, args.duration, args.connections, args.threads, script)
        wrk_after = resource.getrusage(resource.RUSAGE_CHILDREN)
        server_cpu = group_cpu_seconds(server.pid) - cpu_before
        wrk_cpu = (wrk_after.ru_utime + wrk_after.ru_stime) - (
            wrk_before.ru_utime + wrk_before.ru_stime
        )
        result["server_cpu_ms_per_request"] = 1000 * server_cpu / max(1, result["requests"])
        result["wrk_cpu_ms_per_request"] = 1000 * wrk_cpu / max(1, result["requests"])
        result["load_average_1min"] = os.getloadavg()[0]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        if database == "postgres":
            drop_postgres()
        shutil.rmtree(data_dir, ignore_errors=True)
    return {"database": database, "workers": args.workers, **result}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--duration", type=int, default=20, help="seconds per database")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=1, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (one per core)")
    parser.add_argument(
        "--server-threads", type=int, default=2, help="threads per worker (gthread)"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk not found: apt-get install -y wrk")
    OUT.mkdir(parents=True, exist_ok=True)
    script = OUT / "plan_load.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in PATHS))
    databases = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    results = [bench(db, args, script) for db in databases]
    print(
        f"plan pages: {len(PATHS)} URLs, half in こどもモード; {args.connections} connections, "
        f"{args.duration} s, gunicorn {args.workers} workers × {args.server_threads} threads, "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"{'database':<10}{'req/s':>9}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'errors':>8}"
        f"{'server CPU ms/req':>19}{'wrk CPU ms/req':>16}{'load avg':>10}"
    )
    for r in results:
        print(
            f"{r['database']:<10}{r['requests_per_s']:>9.0f}{r['p50_ms']:>9.1f}"
            f"{r['p90_ms']:>9.1f}{r['p99_ms']:>9.1f}{r['errors']:>8}"
            f"{r['server_cpu_ms_per_request']:>19.2f}{r['wrk_cpu_ms_per_request']:>16.2f}"
            f"{r['load_average_1min']:>10.1f}"
        )
    print(
        "server CPU ms/req is independent of other load on the machine: "
        f"{os.cpu_count()} CPUs / (server + wrk CPU per request) bounds the rate on an idle machine."
    )
    (OUT / "plan_load.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
