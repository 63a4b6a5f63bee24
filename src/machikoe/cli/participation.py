"""Participation commands: `mask-pii` (library, no Django), `import opinions`, `export opinions`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from machikoe.cli.common import console, fail, setup_django

import_app = typer.Typer(help="ファイルからの取り込み", no_args_is_help=True)
export_app = typer.Typer(help="データの書き出し", no_args_is_help=True)


def mask_pii_command(
    format: Annotated[str, typer.Option("--format", help="text または json")] = "text",
) -> None:
    """標準入力の各行の個人情報を伏せて出力する（電話番号・メール・住所・氏名など）。"""
    from machikoe.analysis.text.pii import mask_pii

    if format not in ("text", "json"):
        fail("--format は text か json を指定してください")
    out = sys.stdout
    for raw in sys.stdin:
        line = raw.rstrip("\r\n")
        result = mask_pii(line)
        if format == "json":
            out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
        else:
            out.write(result.masked + "\n")
    out.flush()


def import_opinions_command(
    file: Annotated[Path, typer.Argument(help="CSV または .xlsx ファイル", exists=True)],
    consultation: Annotated[str, typer.Option("--consultation", help="意見募集の識別子")],
    map_: Annotated[
        list[str] | None,
        typer.Option("--map", help="列の対応 列名=項目（body, external_id, age_band …）"),
    ] = None,
    channel: Annotated[str, typer.Option(help="チャネル（import, paper, event）")] = "import",
) -> None:
    """意見を CSV / Excel から取り込む。1 行でも誤りがあれば何も取り込まない。"""
    setup_django()
    from rich.progress import Progress

    from machikoe.core.errors import MachikoeError
    from machikoe.participation import importing

    mapping: dict[str, str] = {}
    for item in map_ or []:
        if "=" not in item:
            fail(f"--map は 列名=項目 の形で指定してください: {item}")
        column, field = item.split("=", 1)
        mapping[column.strip()] = field.strip()
    try:
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("取り込み中", total=None)

            def report(done: int, total: int) -> None:
                progress.update(task, completed=done, total=total)

            result = importing.import_file(
                file.read_bytes(),
                filename=file.name,
                consultation_slug=consultation,
                mapping=mapping or None,
                channel=channel,
                progress=report,
            )
    except MachikoeError as exc:
        fail(exc.message)
    console.print(
        f"{result.created} 件を取り込みました（既に取り込み済み {result.skipped} 件、"
        f"全 {result.rows} 行、文字コード {result.encoding}）"
    )


def export_opinions_command(
    consultation: Annotated[str, typer.Option("--consultation", help="意見募集の識別子")],
    output: Annotated[Path, typer.Option("--output", "-o", help="出力ファイル")],
    format: Annotated[str, typer.Option("--format", help="csv, xlsx, json")] = "csv",
) -> None:
    """意見を書き出す（公開用: 個人情報を伏せた本文、公開・非公開の状態つき）。"""
    setup_django()
    from machikoe.core.errors import MachikoeError
    from machikoe.participation import exporting, selectors

    try:
        c = selectors.get_consultation(consultation)
        data, _content_type = exporting.export(c, format, original=False)
    except MachikoeError as exc:
        fail(exc.message)
    output.write_bytes(data)
    console.print(f"{output} に書き出しました")


def api_token_command(
    username: Annotated[str, typer.Argument(help="職員のユーザー名")],
    name: Annotated[str, typer.Option("--name", help="トークンの用途")] = "API",
) -> None:
    """職員用の API トークンを発行する（キーは一度だけ表示されます）。"""
    setup_django()
    from django.contrib.auth import get_user_model

    from machikoe.core.errors import MachikoeError
    from machikoe.participation import services

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        fail(f"ユーザー「{username}」はいません。")
    try:
        token, key = services.create_api_token(user, user, name)
    except MachikoeError as exc:
        fail(exc.message)
    console.print(f"トークン「{token.name}」を発行しました。Authorization: Bearer {key}")


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `machikoe` command."""
    app.command("mask-pii")(mask_pii_command)
    app.command("api-token")(api_token_command)
    import_app.command("opinions")(import_opinions_command)
    export_app.command("opinions")(export_opinions_command)
    app.add_typer(import_app, name="import")
    app.add_typer(export_app, name="export")
