"""Template filters for the EBPM pages: numbers with a dash for "not computed"."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()

DASH = "—"


@register.filter
def num(value: Any, digits: int = 1) -> str:
    """1234.567 → "1,234.6"; None → "—". Integers stay without decimals."""
    if value is None or value == "":
        return DASH
    try:
        number = float(value)
    except (TypeError, ValueError):
        return str(value)
    if number.is_integer() and abs(number) < 1e15:
        return f"{int(number):,}"
    return f"{number:,.{int(digits)}f}"


@register.filter
def pct(value: Any) -> str:
    """A probability 0..1 as a percentage: 0.734 → "73%"."""
    if value is None:
        return DASH
    return f"{float(value) * 100:.0f}%"
