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
local counter = 0
local thread_id = 0
local n_threads = %(threads)d
local ok = 0
local threads = {}

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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


def django(env: dict[str, str], code: str) -> str:
    script = "import django; django.setup()\n" + code
    return subprocess.run([PY, "-c", script], env=env, check=True, capture_output=True, text=True).stdout


def prepare(env: dict[str, str], clients: int) -> list[str]:
    psql(f"DROP DATABASE IF EXISTS {DB}")
    psql(f"CREATE DATABASE {DB}")
    subprocess.run([PY, "-m", "django", "migrate", "-v", "0"], env=env, check=True)
    out = django(env, f"""
from django.utils import timezone
from machikoe.deliberation.models import Conversation, Participant, Statement
from machikoe.deliberation.api import _token
c = Conversation.objects.create(slug='{SLUG}', title='bench', question='bench')
Statement.objects.bulk_create([Statement(conversation=c, number=i, text=f's{{i}}', masked_text=f's{{i}}',
    status=1, created_at=timezone.now()) for i in range({N_STATEMENTS})])
people = Participant.objects.bulk_create([Participant(conversation=c) for _ in range({clients})])
for p in Participant.objects.filter(conversation=c).order_by('id'):
    print(_token(c, p))
""")
    return out.split()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    args = parser.parse_args()
    for tool in ("wrk", "redis-server", "psql"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} not found (apt-get install wrk redis-server postgresql-client)")
    tmp = Path(tempfile.mkdtemp(prefix="mk-bench-delib-"))
    redis_port = free_port()
    redis = subprocess.Popen(["redis-server", "--port", str(redis_port), "--save", "", "--appendonly", "no"],
                             stdout=subprocess.DEVNULL)
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
        script.write_text(LUA % {
            "tokens": ",".join(f'"{t}"' for t in tokens), "statements": N_STATEMENTS,
            "threads": args.threads, "slug": SLUG,
        })
        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "machikoe.project.wsgi:application",
             "-b", f"127.0.0.1:{port}", "-w", str(args.workers), "--backlog", "2048"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        time.sleep(3)
        started = time.perf_counter()
        run = subprocess.run(
            ["wrk", "-t", str(args.threads), "-c", str(args.clients), "-d", f"{args.seconds}s",
             "--timeout", "30s", "-s", str(script), f"http://127.0.0.1:{port}/"],
            capture_output=True, text=True, check=True,
        )
        wall = time.perf_counter() - started
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
    print(run.stdout)
    accepted = int(re.search(r"ACCEPTED (\d+)", run.stdout).group(1))  # type: ignore[union-attr]
    events, latest = map(int, django(env, """
from machikoe.deliberation.models import Vote, VoteEvent
print(VoteEvent.objects.count(), Vote.objects.count())
""").split())
    redis.terminate()
    psql(f"DROP DATABASE IF EXISTS {DB}")
    print(f"clients {args.clients}, gunicorn workers {args.workers}, duration {args.seconds} s (wall {wall:.1f} s)")
    print(f"accepted {accepted} votes → {accepted / args.seconds:.0f} votes/s through gunicorn on PostgreSQL")
    print(f"in the database: {events} vote events, {latest} latest votes; lost: {max(0, accepted - events)}"
          f" (events beyond accepted = requests still in flight when wrk stopped: {max(0, events - accepted)})")
    if events < accepted:
        sys.exit("votes were lost")


if __name__ == "__main__":
    main()
