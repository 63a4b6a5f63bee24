"""How Japanese text is shown on pages: escaped, glossary terms annotated, and in こどもモード
with furigana. The plan app provides the glossary and the furigana renderer; this module is
the single entry point the templates use (`{% jtext value %}`).
"""

from __future__ import annotations

from django.utils.html import escape, linebreaks
from django.utils.safestring import SafeString, mark_safe


def display_text(text: str, *, kodomo: bool = False, glossary: bool = True) -> SafeString:
    """Render plain `text` as safe HTML for a page.

    Glossary annotation and furigana are delegated to `machikoe.plan.presentation`, which
    caches its results; without it the text is only escaped.
    """
    if not text:
        return mark_safe("")
    from machikoe.plan import presentation

    return presentation.render_text(text, kodomo=kodomo, glossary=glossary)


def display_paragraphs(text: str, *, kodomo: bool = False, glossary: bool = True) -> SafeString:
    """Like `display_text`, with blank-line separated paragraphs as <p> elements."""
    if not text:
        return mark_safe("")
    parts = [p for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]
    html = "".join(
        f"<p>{display_text(p.strip(), kodomo=kodomo, glossary=glossary)}</p>" for p in parts
    )
    return mark_safe(html)


def plain(text: str) -> SafeString:
    """Escaped text with line breaks, no annotation (used for residents' opinions)."""
    return mark_safe(linebreaks(escape(text)))
