"""`machikoe serve`, `machikoe migrate`, `machikoe demo`, `machikoe manage`."""

from __future__ import annotations

import multiprocessing
from typing import Annotated, Any

import typer

from machikoe.cli.common import console, setup_django


def prepare_database(*, with_demo: bool = False) -> None:
    """Migrate, load the seed plan into an empty database, and optionally the demo data."""
    setup_django()
    from django.core.management import call_command

    console.print("[bold]データベースを準備しています…[/]")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("createcachetable", verbosity=0)
    from machikoe.plan import loader

    if loader.load_seed_if_empty():
        console.print("初期の計画（次期基本計画策定の考え方）を読み込みました。")
    if with_demo:
        from machikoe.core.demo import load_all_demo_data

        load_all_demo_data(console.print)


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="待ち受けるアドレス")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="待ち受けるポート")] = 8000,
        workers: Annotated[int, typer.Option(help="ワーカー数（0 で自動）")] = 0,
        threads: Annotated[
            int,
            typer.Option(help="ワーカーあたりのスレッド数（2 以上で gthread、keep-alive 有効）"),
        ] = 2,
        demo: Annotated[bool, typer.Option(help="デモデータを読み込む（空のときのみ）")] = False,
        task_worker: Annotated[
            bool, typer.Option(help="バックグラウンド処理（分析など）のワーカーも起動する")
        ] = True,
    ) -> None:
        """データベースを準備して、本番用サーバー（gunicorn）で配信します。"""
        prepare_database(with_demo=demo)
        from django.core.management import call_command

        call_command("collectstatic", interactive=False, verbosity=0)
        worker_count = workers or max(2, multiprocessing.cpu_count())
        worker_process = _start_task_worker() if task_worker else None
        console.print(
            f"[bold green]まちの声を http://{host}:{port}/ で配信します[/]（Ctrl+C で停止）"
        )
        try:
            _run_gunicorn(host, port, worker_count, threads)
        finally:
            if worker_process is not None:
                worker_process.terminate()

    @app.command()
    def migrate() -> None:
        """データベースを最新の構造にし、空なら初期の計画を読み込みます。"""
        prepare_database()

    @app.command()
    def demo() -> None:
        """デモデータ（架空の意見・投票・指標）を読み込みます。"""
        prepare_database(with_demo=True)

    @app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
    def manage(ctx: typer.Context) -> None:
        """Django の管理コマンドを実行します（例: machikoe manage createsuperuser）。"""
        setup_django()
        from django.core.management import execute_from_command_line

        execute_from_command_line(["machikoe manage", *ctx.args])


def _start_task_worker() -> Any:
    """The persistent task queue's worker (django-tasks database backend), as a child process.

    Verbosity 0 keeps one log line per task off the console; failures still go to the log.
    """
    import os
    import subprocess
    import sys

    return subprocess.Popen(
        [sys.executable, "-m", "django", "db_worker", "--verbosity", "0", "--no-reload"],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "machikoe.project.settings"},
    )


def _run_gunicorn(host: str, port: int, workers: int, threads: int = 1) -> None:
    from gunicorn.app.base import BaseApplication

    from machikoe.project.wsgi import application

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            if threads > 1:
                self.cfg.set("worker_class", "gthread")
                self.cfg.set("threads", threads)
            self.cfg.set("accesslog", None)
            self.cfg.set("timeout", 120)

        def load(self) -> Any:
            return application

    Server().run()
