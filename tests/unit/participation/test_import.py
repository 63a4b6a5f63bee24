"""Import: every encoding, xlsx, the kouchou-ai layout, mapping, every error, atomicity,
idempotence, and the `machikoe import opinions` command."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from typer.testing import CliRunner

from machikoe.core.errors import ImportFailed
from machikoe.participation import importing
from machikoe.participation.models import Consultation, Opinion

pytestmark = pytest.mark.django_db

KOUCHOU = (
    "comment-id,comment-body,年代,地域\n"
    "c1,公園を増やしてほしい。,30代,世田谷\n"
    "c2,山田太郎です。保育園が足りません。,40代,北沢\n"
    'c3,"改行を\n含む意見",回答しない,区外\n'
)


def run(
    raw: bytes, mapping: dict[str, str] | None = None, name: str = "f.csv"
) -> importing.ImportResult:
    return importing.import_file(
        raw, filename=name, consultation_slug="plan-draft", mapping=mapping
    )


@pytest.mark.parametrize(
    "encoding, bom",
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b""), ("shift_jis", b"")],
)
def test_encodings(consultation: Consultation, encoding: str, bom: bytes) -> None:
    result = run(bom + KOUCHOU.encode(encoding))
    assert result.created == 3
    bodies = set(Opinion.objects.values_list("body", flat=True))
    assert "改行を\n含む意見" in bodies and "公園を増やしてほしい。" in bodies
    o = Opinion.objects.get(external_id="c2")
    assert (o.age_band, o.district, o.channel) == ("40s", "kitazawa", "import")
    assert o.masked_body == "［氏名］です。保育園が足りません。"


def test_cp932_specific_characters(consultation: Consultation) -> None:
    text = "comment-id,comment-body\nx1,髙橋さんの①番目の意見～\n"
    run(text.encode("cp932"))
    assert Opinion.objects.get().body.endswith("①番目の意見～")


def test_xlsx(consultation: Consultation) -> None:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["番号", "ご意見", "年代"])
    ws.append([1, "図書館を夜まで開けてほしい", "高校生"])
    ws.append([2, "バスを増やして", "70代"])
    buf = io.BytesIO()
    wb.save(buf)
    result = run(buf.getvalue(), name="paper.xlsx")
    assert result.created == 2 and result.encoding == "xlsx"
    assert Opinion.objects.get(external_id="1").age_band == "high_school"


def test_reimport_adds_nothing(consultation: Consultation) -> None:
    raw = KOUCHOU.encode()
    assert run(raw).created == 3
    again = run(raw)
    assert (again.created, again.skipped) == (0, 3)
    assert Opinion.objects.count() == 3


def test_rows_without_id_are_not_duplicated_and_not_lost(consultation: Consultation) -> None:
    raw = "意見\n同じ文\n同じ文\n別の文\n".encode()
    assert run(raw).created == 3  # two identical rows are two opinions
    assert run(raw).created == 0
    assert Opinion.objects.count() == 3


def test_mapping(consultation: Consultation) -> None:
    raw = "no,free text,area\n7,歩道を広く,砧\n".encode()
    with pytest.raises(ImportFailed):
        run(raw)  # no body column recognised
    run(raw, {"no": "external_id", "free text": "body", "area": "district"})
    assert Opinion.objects.get().district == "kinuta"


@pytest.mark.parametrize(
    "raw, row, column, words",
    [
        ("comment-id,comment-body,年代\nc1,ok,30代\nc2,ng,三十代\n", 3, "年代", "三十代"),
        ("comment-id,comment-body\nc1,ok\nc2,\n", 3, "comment-body", "入力"),
        ("comment-id,comment-body\nc1,ok\nc1,again\n", 3, "comment-id", "重複"),
        ("comment-id,comment-body,受付日時\nc1,ok,昨日\n", 2, "受付日時", "日時"),
        ("comment-id,comment-body\nc1," + "あ" * 4001 + "\n", 2, "comment-body", "4,000字"),
    ],
)
def test_errors_name_row_column_reason_and_import_nothing(
    consultation: Consultation, raw: str, row: int, column: str, words: str
) -> None:
    with pytest.raises(ImportFailed) as err:
        run(raw.encode())
    assert (err.value.row, err.value.column) == (row, column)
    assert words in err.value.message and f"{row} 行目" in err.value.message
    assert Opinion.objects.count() == 0


@pytest.mark.parametrize(
    "raw, mapping, words",
    [
        (b"", None, "空"),
        (b"a,a\n1,2\n", None, "重複"),
        (b"PK\x03\x04garbage", None, "Excel"),
        (b"x,y\n1,2\n", {"z": "body"}, "この列がありません"),
        (b"x,y\n1,2\n", {"x": "nope"}, "項目"),
        (b"x,y\n1,2\n", {"x": "body", "y": "body"}, "複数"),
    ],
)
def test_file_level_errors(
    consultation: Consultation, raw: bytes, mapping: Any, words: str
) -> None:
    with pytest.raises(ImportFailed) as err:
        run(raw, mapping)
    assert words in err.value.message


def test_unknown_consultation() -> None:
    with pytest.raises(Exception, match="見つかりません"):
        importing.import_file(b"a\n", filename="f.csv", consultation_slug="none")


def test_decode_falls_back_to_detection() -> None:
    raw = "意見,地域\n公園が欲しいです,世田谷\n".encode("euc_jp")
    text, encoding = importing.decode(raw * 5)
    assert "公園" in text and encoding not in ("utf-8", "cp932")


def test_cli_import(consultation: Consultation, tmp_path: Path, monkeypatch: Any) -> None:
    from machikoe.cli import app

    monkeypatch.setattr("machikoe.cli.common.setup_django", lambda: None)
    monkeypatch.setattr("machikoe.cli.participation.setup_django", lambda: None)
    path = tmp_path / "paper.csv"
    path.write_bytes("no,text\n1,自転車レーンを\n2,街灯を\n".encode("cp932"))
    runner = CliRunner()
    args = [
        "import",
        "opinions",
        str(path),
        "--consultation",
        "plan-draft",
        "--map",
        "no=external_id",
        "--map",
        "text=body",
        "--channel",
        "paper",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 件を取り込みました" in result.output
    assert set(Opinion.objects.values_list("channel", flat=True)) == {"paper"}
    again = runner.invoke(app, args)
    assert "0 件を取り込みました" in again.output
    bad = runner.invoke(
        app,
        ["import", "opinions", str(path), "--consultation", "plan-draft", "--map", "text=nothing"],
    )
    assert bad.exit_code != 0


def test_cli_api_token(staff: Any, resident: Any, monkeypatch: Any) -> None:
    from machikoe.cli import app
    from machikoe.participation import services

    monkeypatch.setattr("machikoe.cli.participation.setup_django", lambda: None)
    runner = CliRunner()
    result = runner.invoke(app, ["api-token", "staff", "--name", "集計"])
    assert result.exit_code == 0, result.output
    key = result.output.split("Bearer ")[1].split()[0]
    assert services.authenticate_token(key) == staff
    assert runner.invoke(app, ["api-token", "resident"]).exit_code != 0
    assert runner.invoke(app, ["api-token", "nobody"]).exit_code != 0


def test_talk_to_the_city_layout(consultation: Consultation) -> None:
    raw = (
        "comment-id,comment-body,agrees,disagrees,video,interview,timestamp\n"
        "1,駅前に広場がほしい,3,0,,田中,00:01:23\n"
    ).encode()
    assert run(raw).created == 1
    o = Opinion.objects.get()
    assert o.external_id == "1" and o.body == "駅前に広場がほしい"
