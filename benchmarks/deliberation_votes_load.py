"""Votes written through the real server on PostgreSQL: throughput and nothing lost.

Run:  .venv/bin/python benchmarks/deliberation_votes_load.py [--clients 100] [--votes 60]
Needs PostgreSQL at postgres://postgres@127.0.0.1:5432 (it creates and drops its own
database, machikoe_bench_delib). It starts gunicorn on loopback with MACHIKOE_INSECURE_HTTP=1
and the ballot-stuffing limits relaxed through MACHIKOE_DELIB_VOTE_RATE /
MACHIKOE_DELIB_CLIENT_RATE (all clients share one address). Each client votes through the
JSON API (POST /api/deliberation/conversations/<slug>/votes) on `--votes` statements, keeping
its participant token; afterwards every accepted vote must be in the database.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("MACHIKOE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "machikoe_bench_delib"
SLUG = "bench"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def prepare(env: dict[str, str], n_statements: int) -> None:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    py = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run([py, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([py, "-m", "django", "createcachetable"], env=env, check=True)
    script = (
        "import django; django.setup()\n"
        "from machikoe.deliberation.models import Conversation, Statement\n"
        "from django.utils import timezone\n"
        f"c = Conversation.objects.create(slug='{SLUG}', title='bench', question='bench')\n"
        "Statement.objects.bulk_create([Statement(conversation=c, number=i, text=f's{i}', "
        f"masked_text=f's{{i}}', status=1, created_at=timezone.now()) for i in range({n_statements})])\n"
    )
    subprocess.run([py, "-c", script], env=env, check=True)


def count_rows(env: dict[str, str]) -> tuple[int, int]:
    script = (
        "import django; django.setup()\n"
        "from machikoe.deliberation.models import Vote, VoteEvent\n"
        "print(VoteEvent.objects.count(), Vote.objects.count())\n"
    )
    out = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", script], env=env,
                         check=True, capture_output=True, text=True).stdout.split()
    return int(out[0]), int(out[1])


async def client(base: str, n_votes: int, seed: int, stats: dict[str, int]) -> None:
    url = f"{base}/api/deliberation/conversations/{SLUG}/votes"
    headers: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=60) as http:
        for i in range(n_votes):
            statement = (seed + i) % n_votes
            r = await http.post(url, json={"statement": statement, "vote": (seed + i) % 3 - 1}, headers=headers)
            if r.status_code == 200:
                stats["ok"] += 1
                headers["X-Participant"] = r.json()["participant_token"]
            else:
                stats["failed"] += 1
                stats.setdefault(f"status_{r.status_code}", 0)
                stats[f"status_{r.status_code}"] += 1


async def run_clients(base: str, clients: int, votes: int) -> tuple[dict[str, int], float]:
    stats = {"ok": 0, "failed": 0}
    start = time.perf_counter()
    await asyncio.gather(*(client(base, votes, seed, stats) for seed in range(clients)))
    return stats, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--votes", type=int, default=60, help="votes per client (= statements)")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="mk-bench-delib-")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "machikoe.project.settings",
        "DATABASE_URL": f"{PG}/{DB}",
        "MACHIKOE_DATA_DIR": data_dir,
        "MACHIKOE_INSECURE_HTTP": "1",
        "MACHIKOE_DELIB_VOTE_RATE": "100000/m",
        "MACHIKOE_DELIB_CLIENT_RATE": "10000000/m",
        "MACHIKOE_AXES_ENABLED": "0",
    }
    prepare(env, args.votes)
    port = free_port()
    server = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "gunicorn"), "machikoe.project.wsgi:application",
         "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--backlog", "2048"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{base}/api/deliberation/conversations/{SLUG}", timeout=2)
                break
            except httpx.HTTPError:
                time.sleep(0.2)
        stats, seconds = asyncio.run(run_clients(base, args.clients, args.votes))
    finally:
        server.terminate()
        server.wait(timeout=30)
    events, latest = count_rows(env)
    sent = args.clients * args.votes
    print(f"clients {args.clients}, votes sent {sent}, accepted {stats['ok']}, refused {stats['failed']} {stats}")
    print(f"wall {seconds:.2f} s → {stats['ok'] / seconds:.0f} votes/s through gunicorn ({args.workers} workers) on PostgreSQL")
    print(f"in the database: {events} vote events, {latest} latest votes — lost: {stats['ok'] - events}")
    psql(f"DROP DATABASE IF EXISTS {DB}")
    if stats["ok"] != events or latest != events:
        sys.exit("votes were lost")


if __name__ == "__main__":
    main()
