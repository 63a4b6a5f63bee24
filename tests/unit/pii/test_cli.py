"""`machikoe mask-pii` reads stdin lines and writes masked text or JSON."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from machikoe.cli import app


def test_mask_pii_json() -> None:
    result = CliRunner().invoke(
        app, ["mask-pii", "--format", "json"], input="山田太郎さん 090-1234-5678\n特になし\n"
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[0]["masked"] == "［氏名］さん ［電話番号］"
    assert lines[0]["spans"] == [
        {"start": 0, "end": 4, "category": "person_name"},
        {"start": 7, "end": 20, "category": "phone"},
    ]
    assert lines[1] == {"masked": "特になし", "spans": []}


def test_mask_pii_text_and_bad_format() -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["mask-pii"], input="〒154-0017\n")
    assert result.stdout == "〒［郵便番号］\n"
    assert runner.invoke(app, ["mask-pii", "--format", "xml"], input="").exit_code != 0
