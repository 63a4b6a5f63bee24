"""Loading a plan data file (JSON) into the database, all or nothing.

The file is checked completely before anything is written; any problem raises
`ImportFailed` naming the file, the line (JSON syntax) or key path (content) and the reason.
A valid file is written in one transaction as a new version of its plan.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction

from machikoe.core import audit
from machikoe.core.errors import ImportFailed
from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion, Section

SEED_FILE = Path(__file__).resolve().parent / "data" / "setagaya_next_basic_plan.json"
FORMAT = "machikoe-plan/1"
_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
_SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,50}$")
_KINDS = {choice.value for choice in Section.Kind}


@dataclass(frozen=True)
class SectionData:
    code: str
    kind: str
    title: str
    body: str = ""
    alt_title: str = ""
    note: str = ""
    children: tuple[SectionData, ...] = ()


@dataclass(frozen=True)
class PlanDocument:
    slug: str
    title: str
    description: str
    version_label: str
    version_note: str
    sections: tuple[SectionData, ...]
    glossary: tuple[tuple[int, str, str], ...] = field(default=())

    def section_count(self) -> int:
        def count(nodes: tuple[SectionData, ...]) -> int:
            return sum(1 + count(n.children) for n in nodes)

        return count(self.sections)


@dataclass(frozen=True)
class LoadResult:
    plan: Plan
    version: PlanVersion
    sections: int
    terms: int


class _Checker:
    """Walks the parsed JSON, raising ImportFailed with the key path of the first problem."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.codes: set[str] = set()

    def fail(self, path: str, reason: str) -> ImportFailed:
        return ImportFailed(reason, file=self.file, row=f"キー {path}")

    def obj(self, value: Any, path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, "オブジェクト（{…}）が必要です")
        return value

    def text(
        self, parent: dict[str, Any], key: str, path: str, *, required: bool, max_length: int = 0
    ) -> str:
        where = f"{path}.{key}" if path else key
        if key not in parent:
            if required:
                raise self.fail(where, "必須の項目がありません")
            return ""
        value = parent[key]
        if not isinstance(value, str):
            raise self.fail(where, "文字列が必要です")
        if required and not value.strip():
            raise self.fail(where, "空にはできません")
        if max_length and len(value) > max_length:
            raise self.fail(where, f"{max_length} 文字以内にしてください（{len(value)} 文字）")
        return value

    def sections(self, value: Any, path: str) -> tuple[SectionData, ...]:
        if not isinstance(value, list):
            raise self.fail(path, "配列（[…]）が必要です")
        return tuple(self.section(item, f"{path}[{i}]") for i, item in enumerate(value))

    def section(self, value: Any, path: str) -> SectionData:
        node = self.obj(value, path)
        code = self.text(node, "code", path, required=True)
        if not _CODE.match(code):
            raise self.fail(f"{path}.code", f"コード「{code}」は英数字とハイフン（32 文字以内）")
        if code in self.codes:
            raise self.fail(f"{path}.code", f"コード「{code}」が重複しています")
        self.codes.add(code)
        kind = node.get("kind", Section.Kind.ITEM.value)
        if kind not in _KINDS:
            raise self.fail(f"{path}.kind", f"種類「{kind}」は {sorted(_KINDS)} のいずれか")
        return SectionData(
            code=code,
            kind=kind,
            title=self.text(node, "title", path, required=True, max_length=300),
            body=self.text(node, "body", path, required=False),
            alt_title=self.text(node, "alt_title", path, required=False, max_length=300),
            note=self.text(node, "note", path, required=False),
            children=self.sections(node.get("children", []), f"{path}.children"),
        )

    def glossary(self, value: Any) -> tuple[tuple[int, str, str], ...]:
        if not isinstance(value, list):
            raise self.fail("glossary", "配列（[…]）が必要です")
        seen: set[int] = set()
        entries = []
        for i, item in enumerate(value):
            path = f"glossary[{i}]"
            entry = self.obj(item, path)
            number = entry.get("number")
            if isinstance(number, bool) or not isinstance(number, int) or number < 1:
                raise self.fail(f"{path}.number", "1 以上の整数が必要です")
            if number in seen:
                raise self.fail(f"{path}.number", f"番号 {number} が重複しています")
            seen.add(number)
            term = self.text(entry, "term", path, required=True, max_length=100)
            definition = self.text(entry, "definition", path, required=True)
            entries.append((number, term, definition))
        return tuple(entries)


def parse(raw: str, file: str) -> PlanDocument:
    """Check a plan data file's text completely; raise ImportFailed on the first problem."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ImportFailed(
            f"JSON として読めません（{exc.colno} 文字目: {exc.msg}）", file=file, row=exc.lineno
        ) from exc
    checker = _Checker(file)
    root = checker.obj(data, "(最上位)")
    if root.get("format", FORMAT) != FORMAT:
        raise checker.fail(
            "format", f"形式「{root.get('format')}」には対応していません（{FORMAT}）"
        )
    plan = checker.obj(root.get("plan"), "plan")
    slug = checker.text(plan, "slug", "plan", required=True)
    if not _SLUG.match(slug):
        raise checker.fail("plan.slug", "英数字・ハイフン・下線の 50 文字以内にしてください")
    version = checker.obj(root.get("version", {}), "version")
    if "sections" not in root:
        raise checker.fail("sections", "必須の項目がありません")
    sections = checker.sections(root["sections"], "sections")
    if not sections:
        raise checker.fail("sections", "節が一つもありません")
    return PlanDocument(
        slug=slug,
        title=checker.text(plan, "title", "plan", required=True, max_length=200),
        description=checker.text(plan, "description", "plan", required=False),
        version_label=checker.text(version, "label", "version", required=False, max_length=100),
        version_note=checker.text(version, "note", "version", required=False),
        sections=sections,
        glossary=checker.glossary(root.get("glossary", [])),
    )


def read(path: Path | str) -> PlanDocument:
    file = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ImportFailed("ファイルがありません", file=file) from exc
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"UTF-8 で読めません（{exc.start} バイト目）", file=file) from exc
    except OSError as exc:
        raise ImportFailed(f"読み込めません（{exc.strerror}）", file=file) from exc
    return parse(raw, file)


def _create_sections(
    version: PlanVersion, nodes: tuple[SectionData, ...], parent: Section | None, order: list[int]
) -> int:
    created = 0
    for node in nodes:
        order[0] += 1
        section = Section.objects.create(
            version=version,
            parent=parent,
            code=node.code,
            kind=node.kind,
            order=order[0],
            title=node.title,
            alt_title=node.alt_title,
            body=node.body,
            note=node.note,
        )
        created += 1 + _create_sections(version, node.children, section, order)
    return created


def load_document(
    document: PlanDocument, *, actor: User | None = None, source: str = ""
) -> LoadResult:
    """Write a checked document as a new version of its plan, in one transaction."""
    with transaction.atomic():
        plan, _ = Plan.objects.update_or_create(
            slug=document.slug,
            defaults={"title": document.title, "description": document.description},
        )
        last = plan.versions.order_by("-number").values_list("number", flat=True).first() or 0
        number = last + 1
        version = PlanVersion.objects.create(
            plan=plan,
            number=number,
            label=document.version_label or f"第{number}版",
            note=document.version_note,
            created_by=actor,
        )
        sections = _create_sections(version, document.sections, None, [0])
        GlossaryTerm.objects.bulk_create(
            GlossaryTerm(version=version, number=n, term=t, definition=d)
            for n, t, d in document.glossary
        )
        audit.record(
            actor,
            "plan.load",
            version,
            after={"plan": plan.slug, "version": number, "sections": sections},
            note=source,
        )
    return LoadResult(plan, version, sections, len(document.glossary))


def load_file(path: Path | str, *, actor: User | None = None) -> LoadResult:
    """Check and load a plan data file; nothing is written if anything is wrong."""
    return load_document(read(path), actor=actor, source=str(path))


def load_seed_if_empty() -> bool:
    """Load the packaged seed plan when no plan exists yet. Returns True if it loaded."""
    if Plan.objects.exists():
        return False
    load_file(SEED_FILE)
    return True
