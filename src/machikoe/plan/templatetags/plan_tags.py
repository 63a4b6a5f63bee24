"""`{% load plan_tags %}`: `{% readability text %}` shows a text's readability figures."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from django import template

from machikoe.analysis.text.readability import Readability, analyse

register = template.Library()


@lru_cache(maxsize=4096)
def _figures(text: str) -> Readability:
    return analyse(text)


@register.inclusion_tag("plan/_readability.html", takes_context=True)
def readability(context: dict[str, Any], text: str, compact: bool = False) -> dict[str, Any]:
    """A small readability indicator (kanji ratio, sentence length, school-grade estimate)."""
    figures = _figures(str(text or ""))
    return {
        "r": figures,
        "kanji_percent": round(figures.kanji_ratio * 100),
        "mean_length": round(figures.mean_sentence_length),
        "compact": compact,
        "kodomo": context.get("kodomo", False),
    }
