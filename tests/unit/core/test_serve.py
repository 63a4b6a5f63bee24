"""`machikoe serve` really starts: migrates a fresh database, loads the seed, serves pages."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_serve_starts_and_serves_the_plan(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("MACHIKOE_") and k != "DATABASE_URL"
    }
    env.update(MACHIKOE_DATA_DIR=str(tmp_path), MACHIKOE_INSECURE_HTTP="1")
    command = [
        sys.executable,
        "-c",
        "from machikoe.cli import main; main()",
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-task-worker",
    ]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        deadline = time.monotonic() + 120
        status, body = 0, ""
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise AssertionError(
                    f"serve exited early:\n{process.stdout.read() if process.stdout else ''}"
                )
            try:
                status, body = fetch(f"http://127.0.0.1:{port}/plan/V4/")
                break
            except OSError:
                time.sleep(0.5)
        assert status == 200, body[:500]
        assert "子ども・若者支援と教育の充実" in body
        status, body = fetch(f"http://127.0.0.1:{port}/plan/NOPE/")
        assert status == 404 and "ページが見つかりません" in body
        assert (tmp_path / "machikoe.sqlite3").exists()
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
