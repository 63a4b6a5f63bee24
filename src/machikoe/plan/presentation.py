"""Rendering plan text for pages: glossary annotation and furigana (こどもモード)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def render_text(text: str, *, kodomo: bool, glossary: bool) -> SafeString:
    return mark_safe(escape(text))
