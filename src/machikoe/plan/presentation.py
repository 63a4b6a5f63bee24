"""Rendering plan text for pages: glossary annotation and furigana (こどもモード).

`render_text` is behind every `{% jtext %}` on every page, so it is cached: results are
kept in an LRU keyed by the text, the flags and the glossary in force. The glossary is read
from the database once per request (one query, inside `request_scope`, which the
こどもモード middleware opens) or once per call outside a request, so a staff edit shows on
the next request without any cross-process invalidation.
"""

from __future__ import annotations

import contextvars
import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from html import escape

from django.db import DatabaseError
from django.db.models import Subquery
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from machikoe.analysis.text.furigana import to_html as furigana_html
from machikoe.analysis.text.glossary import TermMatcher

Entry = tuple[int, str, str]  # number, term, definition


class GlossaryIndex:
    """The glossary of the current plan version, ready for matching. Hashable by content."""

    __slots__ = ("_hash", "entries", "matcher", "url", "version_id")

    def __init__(self, version_id: int | None, entries: tuple[Entry, ...], url: str) -> None:
        self.version_id = version_id
        self.entries = entries
        self.url = url
        self.matcher = TermMatcher({number: term for number, term, _ in entries})
        self._hash = hash((version_id, entries, url))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, GlossaryIndex)
            and self.version_id == other.version_id
            and self.entries == other.entries
            and self.url == other.url
        )

    def definition(self, number: int) -> str:
        for entry_number, _term, definition in self.entries:
            if entry_number == number:
                return definition
        return ""


_EMPTY = GlossaryIndex(None, (), "")
_request_glossary: contextvars.ContextVar[dict[str, GlossaryIndex] | None] = contextvars.ContextVar(
    "machikoe_request_glossary", default=None
)


@contextmanager
def request_scope() -> Iterator[None]:
    """Within this block the glossary is read at most once (one request)."""
    token = _request_glossary.set({})
    try:
        yield
    finally:
        _request_glossary.reset(token)


@lru_cache(maxsize=64)
def _index(version_id: int | None, entries: tuple[Entry, ...], url: str) -> GlossaryIndex:
    return GlossaryIndex(version_id, entries, url)


def _load_glossary() -> GlossaryIndex:
    from machikoe.plan.models import GlossaryTerm, Plan, PlanVersion

    primary_plan = Plan.objects.order_by("id").values("id")[:1]
    current = PlanVersion.objects.filter(plan_id=Subquery(primary_plan)).order_by("-number")
    try:
        rows = list(
            GlossaryTerm.objects.filter(version_id=Subquery(current.values("id")[:1]))
            .order_by("number")
            .values_list("version_id", "number", "term", "definition")
        )
    except DatabaseError:  # tables not migrated yet (e.g. during set-up)
        return _EMPTY
    if not rows:
        return _EMPTY
    entries = tuple((number, term, definition) for _v, number, term, definition in rows)
    return _index(rows[0][0], entries, reverse("plan:glossary"))


def current_glossary() -> GlossaryIndex:
    """The glossary in force: once per request inside `request_scope`, else fresh."""
    scope = _request_glossary.get()
    if scope is None:
        return _load_glossary()
    if "glossary" not in scope:
        scope["glossary"] = _load_glossary()
    return scope["glossary"]


def render_text(text: str, *, kodomo: bool, glossary: bool) -> SafeString:
    """Plain `text` as safe HTML: glossary terms linked and explained, furigana if `kodomo`.

    Terms are matched after NFKC normalisation (ＥＢＰＭ = EBPM), longest first, never
    overlapping, so annotations never nest. Plain text is escaped; a SafeString is taken
    as HTML and only the text between its tags is annotated (never inside a tag, an
    attribute, a link or existing ruby).
    """
    if not text:
        return mark_safe("")
    index = current_glossary() if glossary else _EMPTY
    if isinstance(text, SafeString):
        # Already HTML (e.g. from another helper's markup): only its text is annotated.
        return mark_safe(_render_html(str(text), kodomo, index))
    return mark_safe(_render(str(text), kodomo, index))


_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^</?\s*([a-zA-Z0-9]+)")
_NO_LINKS_INSIDE = {"a", "button", "label", "select", "option", "textarea", "summary"}
_NO_TEXT_CHANGE = {"script", "style", "ruby", "rt", "rp", "code", "pre", "textarea"}


@lru_cache(maxsize=2048)
def _render_html(markup: str, kodomo: bool, index: GlossaryIndex) -> str:
    """Annotate the text between tags of trusted HTML, never a tag or an attribute, and
    never inside a link (no nested links) or inside existing ruby."""
    out: list[str] = []
    open_tags: list[str] = []
    for part in _TAG.split(markup):
        if not part:
            continue
        if part.startswith("<"):
            out.append(part)
            name_match = _TAG_NAME.match(part)
            if name_match is None or part.endswith("/>"):
                continue
            name = name_match.group(1).lower()
            if part.startswith("</"):
                if name in open_tags:
                    del open_tags[len(open_tags) - 1 - open_tags[::-1].index(name)]
            elif name in _NO_LINKS_INSIDE | _NO_TEXT_CHANGE:
                open_tags.append(name)
            continue
        if any(tag in _NO_TEXT_CHANGE for tag in open_tags):
            out.append(part)
            continue
        terms = _EMPTY if any(tag in _NO_LINKS_INSIDE for tag in open_tags) else index
        out.append(_render(html.unescape(part), kodomo, terms))
    return "".join(out)


@lru_cache(maxsize=8192)
def _render(text: str, kodomo: bool, index: GlossaryIndex) -> str:
    plain = furigana_html if kodomo else escape
    parts: list[str] = []
    position = 0
    for match in index.matcher.find(text):
        parts.append(plain(text[position : match.start]))
        parts.append(_term_html(text[match.start : match.end], match.key, kodomo, index))
        position = match.end
    parts.append(plain(text[position:]))
    return "".join(parts)


def _term_html(surface: str, number: int, kodomo: bool, index: GlossaryIndex) -> str:
    """A glossary link plus its explanation, read inline by screen readers and shown as a
    pop-up on hover or keyboard focus (CSS only, no script)."""
    plain = furigana_html if kodomo else escape
    definition = plain(index.definition(number))
    return (
        f'<span class="term"><a class="term-link" href="{escape(index.url)}#term-{number}">'
        f"{plain(surface)}</a>"
        f'<span class="term-note">（{plain("用語解説")}：{definition}）</span></span>'
    )


def clear_cache() -> None:
    """Forget rendered fragments (tests; after changing reading overrides)."""
    _render.cache_clear()
    _render_html.cache_clear()
    _index.cache_clear()
