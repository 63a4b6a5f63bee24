"""`machikoe analyze`: broad listening on a CSV/xlsx/JSON file, offline, into an HTML report.

Library command: does not start Django. Nothing is written unless the analysis finished;
files are written to a temporary name and renamed, so a crash never leaves half a report.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from machikoe.cli.common import console, fail

PLAN_DATA_DIR = Path(__file__).resolve().parent.parent / "plan" / "data"
STAGE_TITLES = {
    "normalise": "正規化",
    "split": "分割",
    "dedupe": "重複の検出",
    "vectorise": "ベクトル化",
    "cluster": "クラスタリング",
    "label": "ラベル付け",
    "classify": "視点の分類",
    "compare": "属性の比較",
    "map": "地図",
}


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _load_config(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        raw = path.read_bytes()
    except OSError as exc:
        fail(f"設定ファイルを開けません: {path} ({exc.strerror})")
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(raw.decode("utf-8"))
        else:
            data = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        fail(f"設定ファイルを読めません: {path} ({exc})")
    if not isinstance(data, dict):
        fail(f"設定ファイルの中身が表（キーと値）ではありません: {path}")
    return dict(data.get("listening", data))


def _plan_perspectives(plan_file: Path | None) -> tuple[list[Any], dict[str, str]]:
    from machikoe.analysis.listening.plan_data import perspectives_from_plan

    files = [plan_file] if plan_file else sorted(PLAN_DATA_DIR.glob("*.json"))
    if not files:
        return [], {}
    try:
        data = json.loads(files[0].read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        fail(f"計画データを読めません: {files[0]} ({exc})")
    return perspectives_from_plan(data)


def analyze(
    file: Annotated[Path, typer.Argument(help="意見のファイル（CSV・TSV・xlsx・JSON・JSONL）")],
    output: Annotated[Path, typer.Option("--output", "-o", help="HTML レポートの出力先")],
    json_out: Annotated[Path | None, typer.Option("--json", help="結果 JSON の出力先")] = None,
    topics: Annotated[int | None, typer.Option("--topics", min=1, help="トピック数を固定")] = None,
    config_file: Annotated[
        Path | None, typer.Option("--config", help="設定ファイル（TOML または JSON）")
    ] = None,
    vectorizer: Annotated[
        str | None, typer.Option("--vectorizer", help="fast / quality / auto など")
    ] = None,
    id_column: Annotated[str | None, typer.Option("--id-column", help="ID の列名")] = None,
    text_column: Annotated[str | None, typer.Option("--text-column", help="本文の列名")] = None,
    title: Annotated[str, typer.Option("--title", help="レポートの題名")] = "意見の分析レポート",
    plan_file: Annotated[
        Path | None, typer.Option("--plan", help="視点（V1〜V6）を読む計画データ JSON")
    ] = None,
    budget: Annotated[
        float | None, typer.Option("--time-budget", help="auto の時間予算（秒）")
    ] = None,
) -> None:
    """意見を分析し、ネットワークなしで開ける HTML レポートを作ります（広聴）。"""
    from machikoe.analysis.listening import ListeningConfig, plan_vectorizer, run_pipeline
    from machikoe.analysis.listening.reader import read_opinions
    from machikoe.analysis.report import ReportInput, listening_report_html
    from machikoe.core.errors import MachikoeError

    settings = _load_config(config_file)
    if topics is not None:
        settings["n_topics"] = topics
    if vectorizer is not None:
        settings["vectorizer"] = vectorizer
    if budget is not None:
        settings["time_budget_s"] = budget
    try:
        documents, notes = read_opinions(file, id_column=id_column, text_column=text_column)
        if "perspectives" not in settings:
            specs, glossary = _plan_perspectives(plan_file)
            settings["perspectives"] = specs
            settings.setdefault("glossary", glossary)
        config = ListeningConfig.from_dict(settings)
    except MachikoeError as exc:
        fail(exc.message)
    for note in notes:
        console.print(f"[yellow]注意:[/] {note}")
    console.print(f"{file.name}: 意見 {len(documents)} 件")
    choice = plan_vectorizer(documents, config)
    if choice is not None:
        est = "、".join(f"{k} 約 {v:.0f} 秒" for k, v in choice.estimate_s.items())
        console.print(
            f"ベクトル化: [bold]{choice.name}[/]（見込み {est}、予算 {choice.budget_s:.0f} 秒）"
            f" — {choice.reason}"
        )
    progress = Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(), console=console, transient=False,
    )  # fmt: skip
    tasks: dict[str, Any] = {}

    def on_progress(stage: str, fraction: float) -> None:
        stage = stage.split(":", 1)[0]
        if stage not in tasks:
            tasks[stage] = progress.add_task(STAGE_TITLES.get(stage, stage), total=1.0)
        progress.update(tasks[stage], completed=fraction)

    try:
        with progress:
            result = run_pipeline(documents, config, progress=on_progress)
            report_task = progress.add_task("レポート作成", total=1.0)
            html = listening_report_html(
                ReportInput(result, documents, title=title, perspectives=config.perspectives)
            )
            progress.update(report_task, completed=1.0)
    except MachikoeError as exc:
        fail(exc.message)
    data = result.to_dict()
    _write_atomic(output, html)
    if json_out is not None:
        _write_atomic(json_out, json.dumps(data, ensure_ascii=False, indent=1))
    _summary(data)
    if not data["meta"]["complete"]:
        console.print("[bold yellow]この結果は一部の意見を含みません（詳細は警告を参照）。[/]")
    for warning in data["meta"]["warnings"]:
        console.print(f"[yellow]警告:[/] {warning}")
    console.print(f"レポート: {output}" + (f"  JSON: {json_out}" if json_out else ""))


def _summary(data: dict[str, Any]) -> None:
    meta = data["meta"]
    table = Table(title=f"トピック（{meta['n_topics']}）", show_lines=False)
    table.add_column("ID")
    table.add_column("ラベル")
    table.add_column("件数", justify="right")
    table.add_column("キーワード")
    for c in data["clusters"]:
        if c["parent"] is None:
            table.add_row(c["id"], c["label"], str(c["size"]), "、".join(c["keywords"][:5]))
    console.print(table)
    console.print(
        f"意見 {meta['n_documents']} 件 / 分析 {meta['n_analysed']} 件 / "
        f"重複グループ {meta['n_duplicate_groups']}（{meta['n_in_duplicate_groups']} 件） / "
        f"ベクトル化 {meta['vectorizer']} / 所要 {sum(meta['timings_s'].values()):.1f} 秒"
    )


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `machikoe` command."""
    app.command("analyze")(analyze)
