"""`machikoe plan load FILE` and `machikoe plan export --format json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from machikoe.cli.common import console, fail, setup_django


def _section_dict(node: Any) -> dict[str, Any]:
    section = node.section
    data: dict[str, Any] = {
        "code": section.code,
        "kind": section.kind,
        "title": section.title,
        "body": section.body,
    }
    if section.alt_title:
        data["alt_title"] = section.alt_title
    if section.note:
        data["note"] = section.note
    data["children"] = [_section_dict(child) for child in node.children]
    return data


def export_data() -> dict[str, Any]:
    """The current version of the plan as plain data (the data file's own format)."""
    from machikoe.plan import selectors

    version = selectors.current_version()
    if version is None:
        fail("計画がまだ読み込まれていません（machikoe migrate で初期の計画を読み込めます）。")
    plan = version.plan
    return {
        "format": "machikoe-plan/1",
        "plan": {"slug": plan.slug, "title": plan.title, "description": plan.description},
        "version": {"number": version.number, "label": version.label, "note": version.note},
        "sections": [_section_dict(root) for root in selectors.tree(version)],
        "glossary": [
            {"number": t.number, "term": t.term, "definition": t.definition}
            for t in selectors.glossary(version)
        ],
    }


def register(app: typer.Typer) -> None:
    plan_app = typer.Typer(
        help="計画（基本計画）のデータを読み込み・書き出します。", no_args_is_help=True
    )

    @plan_app.command("load")
    def load(
        file: Annotated[Path, typer.Argument(help="計画のデータファイル（JSON）")],
    ) -> None:
        """計画のデータファイルを一つのトランザクションで読み込みます（新しい版になります）。"""
        setup_django()
        from django.core.management import call_command

        from machikoe.core.errors import ImportFailed
        from machikoe.plan import loader

        call_command("migrate", interactive=False, verbosity=0)
        try:
            result = loader.load_file(file)
        except ImportFailed as error:
            fail(f"読み込めませんでした（何も書き込んでいません）。{error.message}")
        console.print(
            f"[bold green]読み込みました[/]: {result.plan.title}（{result.version.label}）"
            f" 節 {result.sections} 件・用語 {result.terms} 件"
        )

    @plan_app.command("export")
    def export(
        format: Annotated[str, typer.Option("--format", help="出力形式（json）")] = "json",
        output: Annotated[
            Path | None, typer.Option("--output", "-o", help="出力先（省略時は標準出力）")
        ] = None,
    ) -> None:
        """現在の版の計画（節の木構造と用語解説）を書き出します。"""
        if format != "json":
            fail(f"形式「{format}」には対応していません（json のみ）。")
        setup_django()
        text = json.dumps(export_data(), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            typer.echo(text, nl=False)
        else:
            output.write_text(text, encoding="utf-8")
            console.print(f"書き出しました: {output}")

    app.add_typer(plan_app, name="plan")
