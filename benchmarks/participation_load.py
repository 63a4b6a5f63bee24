"""Load benchmark for submissions: a real gunicorn server on loopback backed by PostgreSQL.

    .venv/bin/python benchmarks/participation_load.py [--opinions 10000] [--clients 100]
        [--workers 3] [--threads 4] [--kill] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

It creates (and afterwards drops) the database machikoe_bench_participation, migrates it,
opens one consultation, starts gunicorn (MACHIKOE_INSECURE_HTTP=1, MACHIKOE_AXES_ENABLED=0,
MACHIKOE_RATELIMIT_ENABLED=0) and posts opinions to the JSON API from concurrent asyncio
clients (aiohttp, from the `bench` extra). It reports throughput and p50/p99 latency and
checks that every receipt (201 response) is stored and that no response was a 5xx.

With --kill the server is SIGKILLed (whole process group) half-way through and restarted;
clients retry on connection errors (a retry of an opinion that was in fact committed gets
409 "duplicate", which proves it is stored). Every receipted opinion must be in the database.
Figures go to stdout and benchmarks/out/participation_load[_kill].json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import psycopg

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
DB_NAME = "machikoe_bench_participation"
SLUG = "bench"

TEXTS = [
    "公園の遊具が古くなっているので新しくしてほしいです。",
    "保育園の入園手続きをオンラインでできるようにしてください。",
    "通学路に街灯を増やしてほしい。夜は暗くて危ないです。",
    "山田花子です。駅前の自転車置き場が足りません。連絡は090-1234-5678まで。",
    "高齢の親の見守りを地域で進めてほしい。〒154-0001 世田谷区池尻1-2-3 在住。",
    "図書館の開館時間を延ばしてほしいです。",
    "商店街の空き店舗を子どもの居場所に使えないでしょうか。",
    "ごみの分別ルールを多言語で案内してください。",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def admin_conn(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True)


def db_url(admin_url: str) -> str:
    return admin_url.rsplit("/", 1)[0] + "/" + DB_NAME


def prepare_database(admin_url: str, env: dict[str, str]) -> None:
    with admin_conn(admin_url) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {DB_NAME}")
    subprocess.run(
        [str(VENV_BIN / "machikoe"), "manage", "migrate", "-v", "0"], env=env, check=True
    )
    code = (
        "import django; django.setup()\n"
        "from datetime import timedelta\n"
        "from django.utils import timezone\n"
        "from machikoe.participation.models import Consultation\n"
        "now = timezone.now()\n"
        f"Consultation.objects.create(slug='{SLUG}', title='負荷試験', opens_at=now - timedelta(days=1),"
        " closes_at=now + timedelta(days=1))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True)


def group_cpu_seconds(pgid: int) -> float:
    """user+system CPU of every live process in a process group (the server), from /proc."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid:  # pgrp
            total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def start_server(
    env: dict[str, str], port: int, workers: int, threads: int = 1
) -> subprocess.Popen[bytes]:
    cmd = [
        str(VENV_BIN / "gunicorn"),
        "machikoe.project.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    proc = subprocess.Popen(cmd, env=env, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            import urllib.request

            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/api/participation/consultations/{SLUG}", timeout=5
            ) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not start")


def kill_server(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


class Run:
    def __init__(self, total: int) -> None:
        self.total = total
        self.next_index = 0
        self.done = 0
        self.receipts: dict[int, str] = {}
        self.duplicates: list[int] = []
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.connection_errors = 0
        self.killed_at: float | None = None

    def take(self) -> int | None:
        if self.next_index >= self.total:
            return None
        self.next_index += 1
        return self.next_index - 1


def body_for(index: int) -> str:
    return f"{TEXTS[index % len(TEXTS)]}（整理番号{index}）"


async def client(run: Run, session: aiohttp.ClientSession, url: str, rng: random.Random) -> None:
    while (index := run.take()) is not None:
        payload = {
            "body": body_for(index),
            "age_band": rng.choice(["20s", "30s", "junior_high", ""]),
            "district": rng.choice(["setagaya", "kitazawa", "tamagawa", "kinuta", "karasuyama"]),
        }
        while True:
            t0 = time.perf_counter()
            try:
                async with session.post(url, json=payload) as response:
                    data = await response.json(content_type=None)
                    status = response.status
            except (TimeoutError, aiohttp.ClientError, json.JSONDecodeError):
                run.connection_errors += 1
                await asyncio.sleep(0.2)
                continue
            run.latencies.append(time.perf_counter() - t0)
            run.statuses[status] = run.statuses.get(status, 0) + 1
            if status == 201:
                run.receipts[index] = data["receipt_number"]
            elif status == 409 and data.get("code") == "duplicate":
                run.duplicates.append(index)
            elif status >= 500:
                await asyncio.sleep(0.1)
                continue
            break
        run.done += 1


async def drive(run: Run, url: str, clients: int, kill: bool, restart: Any) -> float:
    connector = aiohttp.TCPConnector(limit=clients)  # keep-alive, as real API clients do
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        tasks = [
            asyncio.create_task(client(run, session, url, random.Random(n))) for n in range(clients)
        ]
        t0 = time.perf_counter()
        if kill:
            while run.done < run.total // 2:
                await asyncio.sleep(0.05)
            run.killed_at = time.perf_counter() - t0
            await asyncio.to_thread(restart)
        await asyncio.gather(*tasks)
        return time.perf_counter() - t0


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--opinions", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4, help="gthread threads per worker")
    parser.add_argument("--kill", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "MACHIKOE_BENCH_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"
        ),
    )
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="mk-bench-participation-")
    env = {
        **os.environ,
        "DATABASE_URL": db_url(args.database_url),
        "MACHIKOE_DATA_DIR": data_dir,
        "MACHIKOE_INSECURE_HTTP": "1",
        "MACHIKOE_AXES_ENABLED": "0",
        "MACHIKOE_RATELIMIT_ENABLED": "0",
        "MACHIKOE_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "machikoe.project.settings",
    }
    env.pop("REDIS_URL", None)
    print(f"preparing database {DB_NAME} …", flush=True)
    prepare_database(args.database_url, env)
    port = free_port()
    server = [start_server(env, port, args.workers, args.threads)]
    cpu_before = group_cpu_seconds(server[0].pid)
    client_cpu_before = time.process_time()
    url = f"http://127.0.0.1:{port}/api/participation/consultations/{SLUG}/opinions"

    def restart() -> None:
        kill_server(server[0])
        print("  server SIGKILLed; restarting …", flush=True)
        server[0] = start_server(env, port, args.workers, args.threads)

    run = Run(args.opinions)
    print(
        f"posting {args.opinions} opinions from {args.clients} clients to gunicorn "
        f"({args.workers} workers){' with a SIGKILL half-way' if args.kill else ''} …",
        flush=True,
    )
    try:
        elapsed = asyncio.run(drive(run, url, args.clients, args.kill, restart))
        server_cpu = group_cpu_seconds(server[0].pid) - (0 if args.kill else cpu_before)
        client_cpu = time.process_time() - client_cpu_before
    finally:
        kill_server(server[0])
    with psycopg.connect(db_url(args.database_url)) as conn:
        rows = conn.execute(
            "SELECT o.receipt_number, o.body FROM participation_opinion o "
            "JOIN participation_consultation c ON c.id = o.consultation_id WHERE c.slug = %s",
            (SLUG,),
        ).fetchall()
    stored_receipts = {r[0] for r in rows}
    stored_bodies = {r[1] for r in rows}
    missing = [i for i, rn in run.receipts.items() if rn not in stored_receipts]
    duplicates_missing = [i for i in run.duplicates if body_for(i) not in stored_bodies]
    five_xx = sum(n for s, n in run.statuses.items() if s >= 500)
    ok = len(run.receipts)
    result = {
        "opinions": args.opinions,
        "clients": args.clients,
        "workers": args.workers,
        "threads": args.threads,
        "kill": args.kill,
        "elapsed_s": round(elapsed, 2),
        "throughput_per_s": round(ok / elapsed, 1),
        "p50_ms": round(percentile(run.latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(run.latencies, 0.99) * 1000, 1),
        "receipts": ok,
        "stored": len(rows),
        "statuses": run.statuses,
        "five_xx": five_xx,
        "connection_errors_retried": run.connection_errors,
        "duplicate_on_retry": len(run.duplicates),
        "receipted_but_missing": len(missing),
        "acknowledged_duplicates_missing": len(duplicates_missing),
        "killed_at_s": None if run.killed_at is None else round(run.killed_at, 2),
        "server_cpu_ms_per_request": None
        if args.kill
        else round(server_cpu * 1000 / max(1, len(run.latencies)), 2),
        "client_cpu_ms_per_request": round(client_cpu * 1000 / max(1, len(run.latencies)), 2),
        "load_average_1m_after": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    name = "participation_load_kill.json" if args.kill else "participation_load.json"
    (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    if not args.keep:
        with admin_conn(args.database_url) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
    good = not missing and not duplicates_missing and five_xx == 0
    good &= len(rows) == ok + len(run.duplicates) if args.kill else len(rows) == ok
    print("OK: every receipted opinion is stored, no 5xx" if good else "FAILED: see figures above")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
