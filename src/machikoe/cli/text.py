"""`machikoe furigana`: readings for Japanese text on stdin (no database needed)."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from machikoe.cli.common import fail


def register(app: typer.Typer) -> None:
    @app.command()
    def furigana(
        format: Annotated[
            str, typer.Option("--format", help="html（<ruby> 付き）または json")
        ] = "html",
    ) -> None:
        """標準入力の日本語に読み（ふりがな）を付けます。json は {surface, reading} の配列です。"""
        if format not in ("html", "json"):
            fail(f"形式「{format}」には対応していません（html または json）。")
        data = sys.stdin.buffer.read()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            fail(f"標準入力を UTF-8 として読めません（{error.start} バイト目）。")
        from machikoe.analysis.text import furigana as reader

        if format == "json":
            payload = [token.to_dict() for token in reader.tokens(text)]
            sys.stdout.write(json.dumps(payload, ensure_ascii=False) + "\n")
        else:
            sys.stdout.write(reader.to_html(text))
