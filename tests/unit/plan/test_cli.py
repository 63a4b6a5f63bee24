"""`machikoe plan load/export` and `machikoe furigana`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from machikoe.cli import app
from machikoe.plan.loader import SEED_FILE
from machikoe.plan.models import Plan, PlanVersion

runner = CliRunner()


@pytest.mark.django_db
def test_plan_load_then_export_round_trip(tmp_path: Path) -> None:
    result = runner.invoke(app, ["plan", "load", str(SEED_FILE)])
    assert result.exit_code == 0, result.output
    assert "読み込みました" in result.output
    exported = runner.invoke(app, ["plan", "export", "--format", "json"])
    assert exported.exit_code == 0, exported.output
    data = json.loads(exported.stdout)
    source = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    assert [s["code"] for s in data["sections"]] == ["C", "V"]
    v4 = data["sections"][1]["children"][3]
    assert v4["code"] == "V4" and set(v4) >= {"code", "title", "body", "children"}
    assert [c["title"] for c in v4["children"]] == [
        c["title"] for c in source["sections"][1]["children"][3]["children"]
    ]
    assert data["glossary"] == source["glossary"]
    # the export is itself a loadable plan file
    path = tmp_path / "export.json"
    path.write_text(exported.stdout, encoding="utf-8")
    assert runner.invoke(app, ["plan", "load", str(path)]).exit_code == 0
    assert PlanVersion.objects.count() == 2


@pytest.mark.django_db
def test_plan_load_bad_file_fails_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"plan": {"slug": "x", "title": "t"}, "sections": [{"code": "A"}]}')
    result = runner.invoke(app, ["plan", "load", str(path)])
    assert result.exit_code != 0
    flat = "".join(result.output.split())
    assert "bad.json" in flat and "sections[0].title" in flat and "必須" in flat
    assert not Plan.objects.exists()


@pytest.mark.django_db
def test_plan_export_unknown_format() -> None:
    result = runner.invoke(app, ["plan", "export", "--format", "xml"])
    assert result.exit_code != 0 and "xml" in result.output


def test_furigana_json_covers_input() -> None:
    text = "世田谷区の子育て支援、EBPM。\n住み慣れた地域"
    result = runner.invoke(app, ["furigana", "--format", "json"], input=text)
    assert result.exit_code == 0, result.output
    tokens: list[dict[str, Any]] = json.loads(result.stdout)
    assert "".join(t["surface"] for t in tokens) == text
    readings = {t["surface"]: t["reading"] for t in tokens}
    assert readings["子育て"] == "こそだて"
    assert readings["住み"] == "すみ" and readings["慣れ"] == "なれ"
    assert all(set(t) == {"surface", "reading"} for t in tokens)


def test_furigana_html() -> None:
    result = runner.invoke(app, ["furigana"], input="協働")
    assert result.exit_code == 0
    assert result.stdout == "<ruby>協働<rt>きょうどう</rt></ruby>"


def test_furigana_rejects_bad_input() -> None:
    assert runner.invoke(app, ["furigana", "--format", "yaml"], input="x").exit_code != 0
    result = runner.invoke(app, ["furigana"], input=b"\xff\xfe\xfa")
    assert result.exit_code != 0 and "UTF-8" in result.output
