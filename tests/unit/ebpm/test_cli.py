"""`machikoe ebpm evaluate` (library only) and `machikoe ebpm import` (database)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from machikoe.analysis.ebpm import CLI_KEYS
from machikoe.cli import app

runner = CliRunner()


def flat(output: str) -> str:
    """Rich wraps long lines; compare with the line breaks folded into spaces."""
    return " ".join(output.split())


INDICATORS = (
    "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value\n"
    "W1,ごみ排出量,g/人・日,down,2013,579,2024,492\n"
    "U1,スポーツ実施率,%,up,2014,49.7,2023,65\n"
    "N1,データ不足,%,up,2020,10,2030,20\n"
)
OBSERVATIONS = (
    "id,year,value\n"
    "W1,2013,579\nW1,2016,560\nW1,2019,540\nW1,2021,530\n"
    "U1,2014,49.7\nU1,2017,55\nU1,2020,61\nU1,2022,66\n"
    "N1,2021,11\n"
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    ind = tmp_path / "indicators.csv"
    obs = tmp_path / "observations.csv"
    ind.write_bytes(INDICATORS.encode("cp932"))  # Shift_JIS, as Excel writes it
    obs.write_text(OBSERVATIONS, encoding="utf-8-sig")
    return ind, obs


def test_evaluate_writes_json_with_the_issue_keys(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    result = runner.invoke(
        app,
        ["ebpm", "evaluate", str(files[0]), str(files[1]), "--year", "2020", "--json", str(out)],
    )
    assert result.exit_code == 0, result.output
    assert "成果指標の評価" in result.output
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [d["id"] for d in data] == ["W1", "U1", "N1"]
    for item in data:
        assert tuple(item) == CLI_KEYS
    waste, sport, sparse = data
    assert waste["latest_year"] == 2021 and waste["latest_value"] == 530.0
    assert waste["progress_rate"] == pytest.approx(49 / 87 * 100)
    assert waste["required_value"] == pytest.approx(579 - 87 * 7 / 11)
    assert waste["grade"] == "B"
    assert waste["status"] == "未達見込み"
    assert sport["status"] == "達成済み"
    assert sport["achievement_rate"] == pytest.approx(66 / 65 * 100)
    assert sparse["projected_value"] is None and sparse["projection_interval"] is None
    assert sparse["status"] == "判定不可"
    assert "少なくとも3件" in flat(result.output)


def test_evaluate_json_to_stdout_and_schemes(files: tuple[Path, Path]) -> None:
    result = runner.invoke(
        app,
        [
            "ebpm",
            "evaluate",
            str(files[0]),
            str(files[1]),
            "--json",
            "-",
            "--thresholds",
            "S:100,T:60,U",
        ],
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data[0]["achievement_rate"] == pytest.approx(492 / 530 * 100)  # 92.8 %
    assert data[0]["grade"] == "T"
    assert data[1]["grade"] == "S"  # 66 / 65 ≥ 100 %


def test_evaluate_reports_file_row_and_column(tmp_path: Path, files: tuple[Path, Path]) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(INDICATORS.replace("2024,492", "2010,492"), encoding="utf-8")
    result = runner.invoke(app, ["ebpm", "evaluate", str(bad), str(files[1])])
    assert result.exit_code != 0
    assert "bad.csv" in flat(result.output)
    assert "2 行目" in flat(result.output) and "target_year" in flat(result.output)
    dup = tmp_path / "dup.csv"
    dup.write_text(OBSERVATIONS + "W1,2021,531\n", encoding="utf-8")
    result = runner.invoke(app, ["ebpm", "evaluate", str(files[0]), str(dup)])
    assert (
        result.exit_code != 0 and "重複" in flat(result.output) and "11 行目" in flat(result.output)
    )
    result = runner.invoke(
        app, ["ebpm", "evaluate", str(files[0]), str(files[1]), "--scheme", "kanagawa_trend"]
    )
    assert result.exit_code != 0 and "自動判定できません" in flat(result.output)


def test_evaluate_does_not_start_django(files: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "o.json"
    script = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from machikoe.cli import app\n"
        f"r = CliRunner().invoke(app, ['ebpm', 'evaluate', {str(files[0])!r}, {str(files[1])!r}, '--json', {str(out)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "apps = sys.modules.get('django.apps')\n"
        "print('STARTED' if apps is not None and apps.apps.ready else 'LIBRARY-ONLY')\n"
        "print('MODELS' if 'machikoe.ebpm.models' in sys.modules else 'NO-MODELS')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert "LIBRARY-ONLY" in done.stdout and "NO-MODELS" in done.stdout, done.stdout + done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))[0]["id"] == "W1"


@pytest.mark.django_db
def test_import_command_is_atomic(tmp_path: Path, shared_dir: Path) -> None:
    from machikoe.ebpm.models import Indicator, Observation

    result = runner.invoke(
        app, ["ebpm", "import", str(shared_dir / "data/setagaya/indicators.csv")]
    )
    assert result.exit_code == 0, result.output
    assert Indicator.objects.count() == 6
    bad = tmp_path / "obs.csv"
    bad.write_text("id,year,value\nkurashi-x,2020,1\n", encoding="utf-8")
    good_then_bad = tmp_path / "mixed.csv"
    waste = Indicator.objects.get(unit="g/人・日").code
    good_then_bad.write_text(
        f"id,year,value\n{waste},2019,540\n{waste},2020,abc\n", encoding="utf-8"
    )
    before = Observation.objects.count()
    result = runner.invoke(app, ["ebpm", "import", str(good_then_bad)])
    assert result.exit_code != 0
    assert "3 行目" in flat(result.output) and "value" in flat(result.output)
    assert Observation.objects.count() == before  # nothing half-imported
    result = runner.invoke(app, ["ebpm", "import", str(bad)])
    assert result.exit_code != 0 and "指標がありません" in flat(result.output)


def test_schemes_command_lists_presets_and_unsupported() -> None:
    result = runner.invoke(app, ["ebpm", "schemes"])
    assert result.exit_code == 0
    text = flat(result.output)
    assert "sano_points" in text and "tama_prorata" in text and "kitsuki_abcd" in text


@pytest.mark.django_db
def test_report_command_writes_an_offline_html_file(tmp_path: Path, shared_dir: Path) -> None:
    assert (
        runner.invoke(
            app, ["ebpm", "import", str(shared_dir / "data/setagaya/indicators.csv")]
        ).exit_code
        == 0
    )
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["ebpm", "report", str(out), "--year", "2024"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "成果指標の評価レポート" in html and "みどり率" in html and "Plotly" in html
