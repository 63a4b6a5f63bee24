"""`machikoe deliberate`: Polis-style analysis of a Polis export folder (no Django needed),
and `machikoe deliberation import-polis / export-polis` for the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from machikoe.cli.common import console, fail, setup_django


def register(app: typer.Typer) -> None:
    @app.command()
    def deliberate(
        polis: Annotated[
            Path, typer.Option("--polis", help="Polis のエクスポート（フォルダーか zip）")
        ],
        json_out: Annotated[
            Path | None, typer.Option("--json", help="結果の JSON を書き出すファイル")
        ] = None,
        replay_history: Annotated[
            bool,
            typer.Option(
                "--replay/--no-replay", help="投票の履歴を時刻順に再現する（Polis の k の平滑化）"
            ),
        ] = True,
        meta: Annotated[
            str, typer.Option(help="分析から外す属性質問のコメント ID（カンマ区切り）")
        ] = "",
    ) -> None:
        """Polis 形式のデータから、意見グループ・代表的な意見・合意を計算します。"""
        from machikoe.analysis.deliberation.model import OpinionGroups, replay
        from machikoe.analysis.deliberation.polis_io import PolisFormatError, read_export
        from machikoe.analysis.deliberation.votes import build_matrix

        try:
            export = read_export(polis)
        except PolisFormatError as exc:
            fail(str(exc))
        try:
            extra = {int(x) for x in meta.split(",") if x.strip()}
        except ValueError:
            fail("--meta にはコメント ID（整数）をカンマ区切りで指定してください")
        excluded = set(export.moderated_out) | {c.id for c in export.comments if c.is_meta} | extra
        log = export.vote_log()
        with console.status("計算しています…"):
            if replay_history:
                model = replay(log, excluded=excluded)
            else:
                model = OpinionGroups().fit(build_matrix(log, excluded))
        result = model.result_
        data = result.to_dict()
        console.print(
            f"参加者 {len(result.participants)} 人・意見 {len(result.statements)} 件・"
            f"グループ {len(result.groups)}"
            + ("" if result.reason is None else f"（グループなし: {result.reason}）")
        )
        for group in result.groups:
            reps = ", ".join(f"{m.statement}({m.direction})" for m in group.representative)
            console.print(f"  グループ {group.id}: {len(group.members)} 人 — 代表的な意見 {reps}")
        if json_out is not None:
            json_out.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
            console.print(f"{json_out} に書き出しました")

    sub = typer.Typer(help="熟議（Polis 形式の取り込み・書き出し）", no_args_is_help=True)

    @sub.command("import-polis")
    def import_polis(
        source: Annotated[Path, typer.Argument(help="Polis のエクスポート（フォルダーか zip）")],
        slug: Annotated[str, typer.Option(help="新しい熟議の識別子")],
        title: Annotated[str, typer.Option(help="題名")] = "",
        question: Annotated[str, typer.Option(help="問いかけ")] = "",
    ) -> None:
        """Polis のエクスポートを新しい熟議として取り込みます（誤りがあれば何も取り込みません）。"""
        setup_django()
        from machikoe.core.errors import MachikoeError
        from machikoe.deliberation import services

        try:
            conv = services.import_polis(source, None, slug=slug, title=title, question=question)
        except MachikoeError as exc:
            fail(exc.message)
        console.print(f"取り込みました: {conv.slug}")

    @sub.command("export-polis")
    def export_polis(
        slug: Annotated[str, typer.Argument(help="熟議の識別子")],
        out: Annotated[Path, typer.Argument(help="書き出すフォルダー")],
    ) -> None:
        """熟議を Polis のエクスポート形式（CSV 3 つ）で書き出します。"""
        setup_django()
        from machikoe.deliberation import services
        from machikoe.deliberation.models import Conversation

        conv = Conversation.objects.filter(slug=slug).first()
        if conv is None:
            fail(f"熟議 {slug} がありません")
        services.export_polis(conv, out, None)
        console.print(f"{out} に書き出しました")

    app.add_typer(sub, name="deliberation")
