"""`machikoe ebpm …`: evaluate indicators from CSV files (no database), import into the platform.

`evaluate` is a library command (it never starts Django); `import` and `report` use the
database.
"""

from __future__ import annotations

import datetime as _dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from machikoe.cli.common import console, fail, setup_django

ebpm_app = typer.Typer(
    name="ebpm",
    help="成果指標（EBPM）: 進捗・達成の評価、バックキャスティング、予測、取り込み",
    no_args_is_help=True,
)


def _fmt(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}"


@ebpm_app.command("evaluate")
def evaluate_command(
    indicators: Annotated[
        Path,
        typer.Argument(
            help="指標の CSV/xlsx（id, name, unit, direction, baseline_year, baseline_value, target_year, target_value）"
        ),
    ],
    observations: Annotated[Path, typer.Argument(help="観測値の CSV/xlsx（id, year, value）")],
    year: Annotated[
        int | None, typer.Option("--year", help="必要値を求める年（既定: 今年）")
    ] = None,
    json_out: Annotated[
        Path | None, typer.Option("--json", help="結果を JSON で書き出すファイル（- で標準出力）")
    ] = None,
    scheme: Annotated[
        str,
        typer.Option(
            help="評価基準: default, osaka_lib_abcd, sano_points, tama_prorata, pace_oss, nagayo_s_a_b_c"
        ),
    ] = "default",
    thresholds: Annotated[
        str | None, typer.Option(help="独自の閾値（例: A:100,B:80,C:50,D）。--scheme より優先")
    ] = None,
    likely: Annotated[float, typer.Option(help="「達成見込み」とする確率の下限")] = 0.7,
    unlikely: Annotated[float, typer.Option(help="「未達見込み」とする確率の上限（未満）")] = 0.3,
) -> None:
    """指標と観測値の CSV から、進捗率・達成率・評価・必要値・ギャップ・予測・見込みを計算します。"""
    from machikoe.analysis.ebpm import (
        EbpmInputError,
        StatusThresholds,
        evaluate,
        get_scheme,
        parse_thresholds,
    )
    from machikoe.analysis.ebpm.inputs import FileInputError, load_pair

    try:
        grading = parse_thresholds(thresholds) if thresholds else get_scheme(scheme)
        status_thresholds = StatusThresholds(likely=likely, unlikely=unlikely)
        specs, by_id = load_pair(indicators, observations)
        when = year if year is not None else _dt.date.today().year
        results = [
            evaluate(spec, by_id[spec.id], year=when, scheme=grading, thresholds=status_thresholds)
            for spec in specs
        ]
    except FileInputError as exc:
        where = "、".join(
            p
            for p in (
                f"ファイル {exc.file}",
                f"{exc.row} 行目" if exc.row else "",
                f"列「{exc.column}」" if exc.column else "",
            )
            if p
        )
        fail(f"{where}: {exc.message}")
    except EbpmInputError as exc:
        fail(exc.message)

    payload = [r.to_cli_dict() for r in results]
    if json_out is not None and str(json_out) == "-":
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    table = Table(title=f"成果指標の評価（必要値は {when} 年）", show_lines=False)
    for column, justify in (
        ("ID", "left"),
        ("指標", "left"),
        ("最新", "right"),
        ("進捗率%", "right"),
        ("達成率%", "right"),
        ("評価", "center"),
        ("必要値", "right"),
        ("ギャップ", "right"),
        ("予測（目標年）", "right"),
        ("90%区間", "right"),
        ("p", "right"),
        ("見込み", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for r in results:
        interval = (
            f"{r.projection_interval[0]:,.1f}〜{r.projection_interval[1]:,.1f}"
            if r.projection_interval
            else "—"
        )
        latest = "—" if r.latest_value is None else f"{r.latest_value:,.6g}（{r.latest_year}）"
        table.add_row(
            r.id,
            r.name,
            latest,
            _fmt(r.progress_rate),
            _fmt(r.achievement_rate),
            r.grade or "—",
            _fmt(r.required_value, 2),
            _fmt(r.gap, 2),
            _fmt(r.projected_value, 2),
            interval,
            _fmt(r.probability, 2),
            r.status.label,
        )
    console.print(table)
    for r in results:
        for message in r.messages:
            console.print(f"[dim]{r.id}: {message}[/]", highlight=False)
    if json_out is not None:
        json_out.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")
        console.print(f"JSON を {json_out} に書き出しました（{len(payload)} 指標）。")


@ebpm_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV（UTF-8/BOM付き/Shift_JIS）または xlsx")],
    layout: Annotated[
        str,
        typer.Option(
            help=(
                "形式: auto, indicators, observations, setagaya_indicators, tokyo23_kurashi, "
                "waiting_children, ods_population"
            )
        ),
    ] = "auto",
    municipality: Annotated[
        str,
        typer.Option(help="統計表から取り込む自治体（くらしと統計・待機児童・地域・年齢別人口）"),
    ] = "世田谷区",
    revisions: Annotated[
        bool,
        typer.Option(
            "--revisions",
            help="同じ年の値が重複する行を、後の行による改定として取り込む（履歴は残ります）",
        ),
    ] = False,
) -> None:
    """指標・観測値のファイルを取り込みます。1か所でも誤りがあれば何も取り込みません。"""
    setup_django()
    from machikoe.core.errors import ImportFailed
    from machikoe.ebpm import services

    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"ファイル {file} を読めません: {exc.strerror}")
    try:
        result = services.import_file(
            data,
            file.name,
            layout=layout,
            municipality=municipality,
            allow_revisions=revisions,
            actor=None,
        )
    except ImportFailed as exc:
        fail(exc.message)
    console.print(
        f"[bold green]{file.name}[/] を取り込みました（形式: {result.layout}）: "
        f"指標 新規 {result.indicators_created}・更新 {result.indicators_updated}、"
        f"観測値 新規 {result.observations_created}・改定 {result.observations_revised}・"
        f"変更なし {result.observations_unchanged}",
        highlight=False,
    )
    for note in result.notes:
        console.print(f"[dim]{note}[/]", highlight=False)


@ebpm_app.command("report")
def report_command(
    out: Annotated[Path, typer.Argument(help="書き出す HTML ファイル")],
    year: Annotated[int | None, typer.Option(help="必要値を求める年（既定: 今年）")] = None,
) -> None:
    """登録済みの指標の評価を、議会向けの単一 HTML レポート（オフラインで開ける）に書き出します。"""
    setup_django()
    from machikoe.ebpm import reports

    out.write_text(reports.council_report_html(year=year), encoding="utf-8")
    console.print(f"レポートを {out} に書き出しました。")


@ebpm_app.command("schemes")
def schemes_command() -> None:
    """使える評価基準（自治体の例）を一覧表示します。"""
    from machikoe.analysis.ebpm import PRESETS, UNSUPPORTED_SCHEMES

    table = Table(title="評価基準")
    table.add_column("ID")
    table.add_column("名称")
    table.add_column("基準")
    for scheme in PRESETS.values():
        table.add_row(scheme.id, scheme.name, scheme.describe())
    console.print(table)
    for key, reason in UNSUPPORTED_SCHEMES.items():
        console.print(f"[dim]{key}: 自動判定できません — {reason}[/]", highlight=False)


def register(app: typer.Typer) -> None:
    """Add this area's commands to the `machikoe` command."""
    app.add_typer(ebpm_app, name="ebpm")
