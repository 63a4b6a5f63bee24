"""Loading plan data files: one transaction, nothing written on any error, errors that
name the file, the line or key and the reason."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from machikoe.core.errors import ImportFailed
from machikoe.core.models import AuditLog
from machikoe.plan import loader
from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion, Section

pytestmark = pytest.mark.django_db


def seed_data() -> dict[str, Any]:
    return json.loads(loader.SEED_FILE.read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "plan.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, ensure_ascii=False))
    return path


def test_seed_loads_once_into_empty_database() -> None:
    assert loader.load_seed_if_empty() is True
    assert loader.load_seed_if_empty() is False
    plan = Plan.objects.get()
    version = PlanVersion.objects.get()
    assert plan.slug == "setagaya-next-basic-plan"
    assert Section.objects.filter(version=version).count() == 2 + 9 + 6 + 25
    assert GlossaryTerm.objects.filter(version=version).count() == 9
    v4 = Section.objects.get(version=version, code="V4")
    assert v4.title == "子ども・若者支援と教育の充実"
    assert [c.code for c in v4.children.order_by("order")] == [f"V4-{i}" for i in range(1, 7)]
    assert v4.parent is not None and v4.parent.code == "V"
    assert AuditLog.objects.filter(action="plan.load").count() == 1


def test_loading_again_makes_a_new_version() -> None:
    loader.load_file(loader.SEED_FILE)
    result = loader.load_file(loader.SEED_FILE)
    assert result.version.number == 2
    assert Plan.objects.count() == 1


@pytest.mark.parametrize(
    ("mutate", "where", "reason"),
    [
        (
            lambda d: d["sections"][1]["children"][2].pop("title"),
            "キー sections[1].children[2].title",
            "必須",
        ),
        (
            lambda d: d["sections"][0]["children"][1].update(code="C1"),
            "sections[0].children[1].code",
            "重複",
        ),
        (lambda d: d["glossary"][3].update(number="4"), "glossary[3].number", "整数"),
        (lambda d: d["sections"][0].update(kind="chapter"), "sections[0].kind", "種類"),
        (lambda d: d["plan"].update(slug="ス ラ グ"), "plan.slug", "英数字"),
        (lambda d: d.update(sections=[]), "キー sections", "節が一つもありません"),
    ],
)
def test_malformed_content_loads_nothing(
    tmp_path: Path, mutate: Any, where: str, reason: str
) -> None:
    data = seed_data()
    mutate(data)
    path = write(tmp_path, data)
    with pytest.raises(ImportFailed) as caught:
        loader.load_file(path)
    message = caught.value.message
    assert str(path) in message and where in message and reason in message
    assert not Plan.objects.exists() and not Section.objects.exists()
    assert not AuditLog.objects.exists()


def test_syntax_error_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, '{\n  "plan": {"slug": "x",\n  "title": }\n}')
    with pytest.raises(ImportFailed) as caught:
        loader.load_file(path)
    assert caught.value.row == 3
    assert "3 行目" in caught.value.message and "JSON" in caught.value.message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="ファイルがありません"):
        loader.load_file(tmp_path / "none.json")


def test_failure_midway_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A database error after some rows were written leaves nothing behind."""
    original = GlossaryTerm.objects.bulk_create

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(GlossaryTerm.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        loader.load_file(loader.SEED_FILE)
    monkeypatch.setattr(GlossaryTerm.objects, "bulk_create", original)
    assert not Plan.objects.exists() and not Section.objects.exists()
