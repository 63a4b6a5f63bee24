"""Template tags: `{% load machikoe %}` then `{% jtext value %}` or `{% jparas value %}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.safestring import SafeString

from machikoe.core.text_display import display_paragraphs, display_text

register = template.Library()


@register.simple_tag(takes_context=True)
def jtext(context: dict[str, Any], value: Any, glossary: bool = True) -> SafeString:
    """Japanese text for display: glossary links, and furigana in こどもモード."""
    return display_text(str(value or ""), kodomo=bool(context.get("kodomo")), glossary=glossary)


@register.simple_tag(takes_context=True)
def jparas(context: dict[str, Any], value: Any, glossary: bool = True) -> SafeString:
    """Like jtext, paragraph by paragraph."""
    return display_paragraphs(
        str(value or ""), kodomo=bool(context.get("kodomo")), glossary=glossary
    )
