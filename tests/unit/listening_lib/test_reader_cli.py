from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from machikoe.analysis.listening.reader import read_opinions
from machikoe.cli import app
from machikoe.core.errors import ImportFailed

from .conftest import make_docs


def write_csv(
    path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8-sig"
) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def kouchou_csv(path: Path, n: int = 1) -> Path:
    docs = make_docs(n)
    return write_csv(
        path,
        ["comment-id", "comment-body", "attribute_age_band"],
        [[d.id, d.text, d.attributes["age_band"]] for d in docs],
    )


def test_reads_kouchou_layout(tmp_path: Path) -> None:
    docs, notes = read_opinions(kouchou_csv(tmp_path / "a.csv"))
    assert docs[0].id == "c0" and docs[0].attributes == {"age_band": "high_school"}
    assert notes == []


def test_reads_cp932_and_machikoe_export(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "export.csv",
        [
            "受付番号",
            "受付日時",
            "チャネル",
            "対象の節",
            "年代",
            "地域",
            "区との関わり",
            "状態",
            "本文",
        ],
        [
            [
                "R-1",
                "2026-01-01T10:00:00+09:00",
                "ウェブフォーム",
                "V4",
                "高校生",
                "北沢",
                "在住",
                "公開",
                "公園がほしい",
            ],
            [
                "R-2",
                "2026-01-01T10:00:00+09:00",
                "ウェブフォーム",
                "",
                "30代",
                "砧",
                "在住",
                "非公開（個人情報）",
                "非公開",
            ],
        ],
        encoding="cp932",
    )
    docs, notes = read_opinions(path)
    assert [d.id for d in docs] == ["R-1"]
    assert docs[0].attributes["age_band"] == "高校生" and docs[0].attributes["district"] == "北沢"
    assert "受付日時" not in docs[0].attributes and any("非公開" in n for n in notes)


def test_reads_xlsx(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["comment-id", "comment-body"])
    sheet.append([1, "バスを増やして"])
    book.save(tmp_path / "a.xlsx")
    docs, _ = read_opinions(tmp_path / "a.xlsx")
    assert docs[0].id == "1" and docs[0].text == "バスを増やして"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "空"),
        (b"comment-id,comment-body\n", "行がありません"),
        (b"id,name\n1,x\n", "本文の列"),
        (bytes(range(128, 256)) * 20, "文字コード"),
    ],
)
def test_bad_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ImportFailed, match=message):
        read_opinions(path)


def test_cli_writes_report_and_json(tmp_path: Path) -> None:
    src = kouchou_csv(tmp_path / "in.csv")
    out, js = tmp_path / "r.html", tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(src),
            "-o",
            str(out),
            "--json",
            str(js),
            "--vectorizer",
            "fast",
            "--topics",
            "4",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(js.read_text(encoding="utf-8"))
    assert [r["id"] for r in data["rows"]] == [d.id for d in make_docs(1)]
    for row in data["rows"]:
        assert row["topic"] in {c["id"] for c in data["clusters"] if c["parent"] is None}
        assert isinstance(row["perspectives"], list)
        assert row["duplicate_group"] is None or isinstance(row["duplicate_group"], str)
        assert isinstance(row["x"], float) and isinstance(row["y"], float)
    for c in data["clusters"]:
        assert set(c) >= {"id", "parent", "label", "keywords", "size", "representatives"}
    assert len([c for c in data["clusters"] if c["parent"] is None]) == 4
    assert any(r["perspectives"] for r in data["rows"])  # plan data file's V1..V6 were used
    assert "トピック" in result.output
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("rows", "extra", "message"),
    [
        ([], [], "行がありません"),
        ([["1", "公園"], ["2", "バス"]], ["--topics", "5"], "トピック数"),
    ],
)
def test_cli_bad_input_clear_message_and_no_output(tmp_path: Path, rows, extra, message) -> None:
    src = write_csv(tmp_path / "in.csv", ["comment-id", "comment-body"], rows)
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["analyze", str(src), "-o", str(out), "--vectorizer", "fast", *extra]
    )
    assert result.exit_code != 0
    assert message in result.output
    assert not out.exists() and not list(tmp_path.glob(".r.html*"))


def test_cli_config_file(tmp_path: Path) -> None:
    src = kouchou_csv(tmp_path / "in.csv")
    cfg = tmp_path / "c.toml"
    cfg.write_text('vectorizer = "fast"\nn_topics = 3\ndeduper = "exact"\n', encoding="utf-8")
    js = tmp_path / "r.json"
    result = CliRunner().invoke(
        app,
        [
            "analyze",
            str(src),
            "-o",
            str(tmp_path / "r.html"),
            "--json",
            str(js),
            "--config",
            str(cfg),
        ],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(js.read_text())["meta"]["n_topics"] == 3
    bad = tmp_path / "bad.toml"
    bad.write_text("n_topicz = 3\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["analyze", str(src), "-o", str(tmp_path / "x.html"), "--config", str(bad)]
    )
    assert result.exit_code != 0 and "n_topicz" in result.output


def test_report_html_is_self_contained_accessible_and_masked(tmp_path: Path) -> None:
    from machikoe.analysis.listening import Document, ListeningConfig, run_pipeline
    from machikoe.analysis.report import (
        ReportInput,
        listening_report_data,
        listening_report_fragments,
        listening_report_html,
    )

    docs = [
        *make_docs(1),
        Document("pii", "公園の件で連絡ください。電話 090-1234-5678 まで", {"age_band": "30s"}),
    ]
    result = run_pipeline(
        docs, ListeningConfig(vectorizer="fast", options={"vectorizer": {"n_components": 16}})
    )
    html = listening_report_html(ReportInput(result, docs, title="テスト<レポート>"))
    assert '<html lang="ja">' in html
    assert "090-1234-5678" not in html and "［電話番号］" in html
    assert "テスト&lt;レポート&gt;" in html
    scripts = re.findall(r"<script[^>]*>", html)
    assert all("src=" not in s for s in scripts)
    from plotly.offline import get_plotlyjs

    plotly = get_plotlyjs()
    assert plotly in html
    ours = html.replace(plotly, "")
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", ours)
    assert not re.search(r"https?://", ours)
    for heading in ("<h1>", 'id="h-map"', 'id="h-treemap"', 'id="h-youth"', 'id="h-persp"'):
        assert heading in html
    # every chart has a table next to it; every control has a label
    assert html.count('class="chart"') == 2 and html.count("<table>") >= 3
    for select_id in re.findall(r'<select id="([^"]+)"', html):
        assert f'<label for="{select_id}">' in html
    data = listening_report_data(ReportInput(result.to_dict(), docs))
    fragments = listening_report_fragments(data)
    assert "<script" not in "".join(fragments.values())
    assert {"summary", "map", "treemap", "topics", "perspectives", "youth", "filters"} <= set(
        fragments
    )
