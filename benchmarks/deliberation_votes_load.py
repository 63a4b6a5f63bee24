"""Votes written through the real server on PostgreSQL: throughput, and nothing lost.

Run:  .venv/bin/python benchmarks/deliberation_votes_load.py [--clients 100] [--seconds 20]
Needs PostgreSQL at postgres://postgres@127.0.0.1:5432 (override: MACHIKOE_BENCH_PG), wrk
(apt-get install wrk) as the load generator and redis-server for the shared cache that
holds the rate-limit counters (as in production, REDIS_URL). The benchmark creates its own
database machikoe_bench_delib (dropped afterwards), starts redis on a free port and gunicorn
on loopback with MACHIKOE_INSECURE_HTTP=1 and the ballot-stuffing limits relaxed by
MACHIKOE_DELIB_VOTE_RATE / MACHIKOE_DELIB_CLIENT_RATE (all clients share one address).

`--clients` connections (one participant each, with its signed participant token) post
votes to /api/deliberation/conversations/bench/votes on successive statements, alternating
agree/disagree when they wrap, so every request is a real change. Afterwards every vote the
server accepted (HTTP 200) must be in the database as a vote event.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
PG = os.environ.get("MACHIKOE_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DB = "machikoe_bench_delib"
SLUG = "bench"
N_STATEMENTS = 200

LUA = """
tokens = {%(tokens)s}
local n_tokens = #tokens
local n_statements = %(statements)d
counter = 0
thread_id = 0  -- set per thread by setup(); globals so thread:get/set reach them
n_threads = %(threads)d
ok = 0
threads = {}

function setup(thread)
  thread:set("thread_id", #threads)
  table.insert(threads, thread)
end

function request()
  local id = counter * n_threads + thread_id
  counter = counter + 1
  local token = tokens[(id %% n_tokens) + 1]
  local k = math.floor(id / n_tokens)
  local statement = k %% n_statements
  local vote = (math.floor(k / n_statements) %% 2 == 0) and 1 or -1
  local body = string.format('{"statement": %%d, "vote": %%d}', statement, vote)
  return wrk.format("POST", "/api/deliberation/conversations/%(slug)s/votes",
    {["Content-Type"] = "application/json", ["X-Participant"] = token}, body)
end

function response(status, headers, body)
  if status == 200 then ok = ok + 1 end
end

function done(summary, latency, requests)
  local total = 0
  for _, t in ipairs(threads) do total = total + t:get("ok") end
  io.write(string.format("ACCEPTED %%d\\n", total))
end
"""


def wait_for(port: int, timeout: float = 60.0) -> None:
    """Wait until gunicorn accepts connections."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    sys.exit("gunicorn did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def django(env: dict[str, str], code: str) -> str:
    script = "import django; django.setup()\n" + code
    return subprocess.run(
        [PY, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout


def prepare(env: dict[str, str], clients: int) -> list[str]:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run([PY, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    out = django(
        env,
        f"""
from django.utils import timezone
from machikoe.deliberation.models import Conversation, Participant, Statement
from machikoe.deliberation.api import _token
c = Conversation.objects.create(slug='{SLUG}', title='bench', question='bench')
Statement.objects.bulk_create([Statement(conversation=c, number=i, text=f's{{i}}', masked_text=f's{{i}}',
    status=1, created_at=timezone.now()) for i in range({N_STATEMENTS})])
people = Participant.objects.bulk_create([Participant(conversation=c) for _ in range({clients})])
for p in Participant.objects.filter(conversation=c).order_by('id'):
    print(_token(c, p))
""",
    )
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--server-threads", type=int, default=8, help="gthread threads per worker")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()
    for tool in ("wrk", "redis-server", "psql"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found (apt-get install wrk redis-server postgresql-client)")
    tmp = Path(tempfile.mkdtemp(prefix="mk-bench-delib-"))
    redis_port = free_port()
    redis = subprocess.Popen(
        ["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "machikoe.project.settings",
        "DATABASE_URL": f"{PG}/{DB}",
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "MACHIKOE_DATA_DIR": str(tmp),
        "MACHIKOE_INSECURE_HTTP": "1",
        "MACHIKOE_DELIB_VOTE_RATE": "100000/m",
        "MACHIKOE_DELIB_CLIENT_RATE": "100000000/m",
        "MACHIKOE_AXES_ENABLED": "0",
    }
    server = None
    try:
        tokens = prepare(env, args.clients)
        script = tmp / "votes.lua"
        script.write_text(
            LUA
            % {
                "tokens": ",".join(f'"{t}"' for t in tokens),
                "statements": N_STATEMENTS,
                "threads": args.threads,
                "slug": SLUG,
            }
        )
        port = free_port()
        server = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "machikoe.project.wsgi:application",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.server_threads),
                "--backlog",
                "2048",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(port)
        started = time.perf_counter()
        run = subprocess.run(
            [
                "wrk",
                "-t",
                str(args.threads),
                "-c",
                str(args.clients),
                "-d",
                f"{args.seconds}s",
                "--timeout",
                "30s",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}/",
            ],
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - started
        if run.returncode:
            sys.exit(f"wrk failed: {run.stdout} {run.stderr}")
        print(run.stdout)
        accepted = int(re.search(r"ACCEPTED (\d+)", run.stdout).group(1))  # type: ignore[union-attr]
        count = "from machikoe.deliberation.models import Vote, VoteEvent\n"
        count += "print(VoteEvent.objects.count(), Vote.objects.count())\n"
        events, latest = map(int, django(env, count).split())
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        redis.terminate()
        psql(f"DROP DATABASE IF EXISTS {DB}")
    print(
        f"clients {args.clients}, gunicorn workers {args.workers}, duration {args.seconds} s (wall {wall:.1f} s)"
    )
    print(
        f"accepted {accepted} votes → {accepted / args.seconds:.0f} votes/s through gunicorn on PostgreSQL"
    )
    print(
        f"in the database: {events} vote events, {latest} latest votes; lost: {max(0, accepted - events)}"
        f" (events beyond accepted = requests still in flight when wrk stopped: {max(0, events - accepted)})"
    )
    if events < accepted:
        sys.exit("votes were lost")


if __name__ == "__main__":
    main()
