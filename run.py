#!/usr/bin/env python3
"""machikoe's two commands, needing nothing but Python 3.11+:

    python3 run.py start   # install into .venv, prepare the database (seed plan, demo data), serve
    python3 run.py test    # install with test tools, run ruff, mypy and the whole test suite

`test --postgres` also runs the suite against PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/test), starting the local server if it is not running.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/test"


def say(message: str) -> None:
    print(f"\n== {message}", flush=True)


def run(cmd: list[str], **kwargs: object) -> None:
    print("$ " + " ".join(str(c) for c in cmd), flush=True)
    subprocess.run([str(c) for c in cmd], check=True, cwd=ROOT, **kwargs)  # type: ignore[call-overload]


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        say("仮想環境 .venv を作成します")
        venv.EnvBuilder(with_pip=True).create(VENV)
        run([PY, "-m", "pip", "install", "-q", "--upgrade", "pip"])
    say("machikoe と依存パッケージをインストールします")
    target = f".[{extras}]" if extras else "."
    run([PY, "-m", "pip", "install", "-q", "-e", target])


def ensure_chromium() -> None:
    chromium = os.environ.get("MACHIKOE_CHROMIUM", "/usr/bin/chromium")
    if Path(chromium).exists():
        return
    if shutil.which("apt-get") and os.geteuid() == 0:
        say("ブラウザテスト用に Debian の Chromium をインストールします")
        subprocess.run(["apt-get", "update", "-qq"], check=False)
        run(["apt-get", "install", "-y", "-qq", "chromium"])
    else:
        print(f"Chromium が見つかりません（{chromium}）。ブラウザテストは失敗します。", flush=True)


def pg_is_up(url: str) -> bool:
    code = (
        "import sys, psycopg\n"
        "try:\n    psycopg.connect(sys.argv[1], connect_timeout=3).close()\n"
        "except Exception as e:\n    print(e); sys.exit(1)\n"
    )
    return subprocess.run([PY, "-c", code, url], capture_output=True).returncode == 0


def ensure_postgres(url: str) -> None:
    if pg_is_up(url):
        return
    say("PostgreSQL が動いていないので起動します")
    versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
    if versions and shutil.which("pg_ctlcluster"):
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
            check=False,
        )
    if not pg_is_up(url):
        sys.exit(f"PostgreSQL に接続できません: {url}")


def cmd_start(args: argparse.Namespace) -> None:
    ensure_venv("quality")
    if args.host in {"127.0.0.1", "localhost", "::1"}:
        # A trial on this machine is served over plain HTTP: allow its cookies (CSRF,
        # session) without HTTPS. A real deployment sits behind HTTPS and leaves this unset.
        os.environ.setdefault("MACHIKOE_INSECURE_HTTP", "1")
    serve = [BIN / "machikoe", "serve", "--host", args.host, "--port", str(args.port)]
    if not args.no_demo:
        serve.append("--demo")
    os.execv(str(serve[0]), [str(s) for s in serve])


def cmd_test(args: argparse.Namespace) -> None:
    ensure_venv("test")
    ensure_chromium()
    say("ruff（コードの書き方の検査）")
    run([BIN / "ruff", "check", "src", "tests", "benchmarks", "run.py"])
    say("mypy（型の検査）")
    run([BIN / "mypy"])
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    workers = ["-n", str(args.workers)] if args.workers > 1 else []
    extra = list(args.pytest_args)
    say("テスト（SQLite）")
    run([PY, "-m", "pytest", *workers, *extra], env=env)
    if args.postgres:
        url = os.environ.get("DATABASE_URL", DEFAULT_PG_URL)
        ensure_postgres(url)
        say(f"テスト（PostgreSQL: {url}）")
        run([PY, "-m", "pytest", *workers, *extra], env={**env, "DATABASE_URL": url})


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    start = sub.add_parser("start", help="インストールして起動する")
    start.add_argument("--host", default="127.0.0.1")
    start.add_argument("--port", type=int, default=8000)
    start.add_argument("--no-demo", action="store_true", help="デモデータを読み込まない")
    start.set_defaults(func=cmd_start)
    test = sub.add_parser("test", help="インストールしてすべてのテストを実行する")
    test.add_argument("--postgres", action="store_true", help="PostgreSQL でも実行する")
    test.add_argument("--workers", type=int, default=2, help="並列数（pytest-xdist）")
    test.add_argument("pytest_args", nargs="*", help="pytest に渡す引数")
    test.set_defaults(func=cmd_test)
    args = parser.parse_args()
    try:
        args.func(args)
    except subprocess.CalledProcessError as error:
        sys.exit(error.returncode or 1)


if __name__ == "__main__":
    main()
