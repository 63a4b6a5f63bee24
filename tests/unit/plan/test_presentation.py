"""render_text: glossary annotation (normalised, longest first, never nested) and furigana."""

from __future__ import annotations

import re
from typing import Any

import pytest

from machikoe.core.text_display import display_paragraphs
from machikoe.plan import presentation
from machikoe.plan.models import GlossaryTerm
from machikoe.plan.presentation import render_text

pytestmark = pytest.mark.django_db


def test_plain_text_is_escaped_without_plan(db: Any) -> None:
    presentation.clear_cache()
    assert render_text("<b>区民</b>", kodomo=False, glossary=True) == "&lt;b&gt;区民&lt;/b&gt;"


def test_full_width_term_in_text_is_linked_with_explanation(seed_plan: Any) -> None:
    html = render_text("EBPMの推進とＥＢＰＭ", kodomo=False, glossary=True)
    assert html.count('href="/plan/glossary/#term-4"') == 2
    assert ">EBPM</a>" in html and ">ＥＢＰＭ</a>" in html
    assert "証拠に基づく政策立案。" in html
    assert 'class="term-note"' in html


def test_glossary_off_leaves_text_alone(seed_plan: Any) -> None:
    assert render_text("ＥＢＰＭ", kodomo=False, glossary=False) == "ＥＢＰＭ"


def test_longest_match_first_and_no_nesting(seed_plan: Any) -> None:
    version = seed_plan.version
    GlossaryTerm.objects.create(version=version, number=20, term="グリーン", definition="緑")
    html = render_text("グリーンインフラの推進とグリーン", kodomo=False, glossary=True)
    assert html.count("<a ") == 2
    assert ">グリーンインフラ</a>" in html and "#term-8" in html and "#term-20" in html
    # the definition shown inside a term is never annotated again
    assert not re.search(r"<a [^>]*>[^<]*<a ", html)
    note = re.search(r'class="term-note">(.*?)</span></span>', html)
    assert note is not None and "<a" not in note.group(1)


def test_never_matches_inside_markup(seed_plan: Any) -> None:
    html = render_text('<a title="ＥＢＰＭ">x</a>', kodomo=False, glossary=True)
    # the input is text: its angle brackets are escaped, the term becomes one link
    assert html.startswith("&lt;a title=&quot;")
    assert html.count("<a ") == 1


def test_kodomo_mode_adds_ruby_everywhere(seed_plan: Any) -> None:
    html = render_text("子ども・若者支援とＥＢＰＭ", kodomo=True, glossary=True)
    assert "<ruby>若者<rt>わかもの</rt></ruby>" in html
    assert "<ruby>支援<rt>しえん</rt></ruby>" in html
    assert "<ruby>証拠<rt>しょうこ</rt></ruby>" in html  # the explanation too
    assert "<ruby>" not in render_text("子ども", kodomo=False, glossary=True).replace(
        "<ruby>子<rt>こ</rt></ruby>", ""
    )


def test_new_glossary_takes_effect_without_stale_cache(seed_plan: Any) -> None:
    before = render_text("マッチングの推進", kodomo=False, glossary=True)
    assert "<a " not in before
    GlossaryTerm.objects.create(
        version=seed_plan.version, number=10, term="マッチング", definition="結びつけること。"
    )
    after = render_text("マッチングの推進", kodomo=False, glossary=True)
    assert "#term-10" in after


def test_one_glossary_query_per_request_scope(
    seed_plan: Any, django_assert_num_queries: Any
) -> None:
    with presentation.request_scope(), django_assert_num_queries(1):
        for text in ("ＥＢＰＭ", "ネウボラ", "レガシー", "区民"):
            render_text(text, kodomo=False, glossary=True)


def test_paragraphs(seed_plan: Any) -> None:
    html = display_paragraphs("一段落目\n\n二段落目のＥＢＰＭ")
    assert html.startswith("<p>一段落目</p><p>二段落目の")
    assert "#term-4" in html


def test_html_input_is_annotated_between_tags_only(seed_plan: Any) -> None:
    from django.utils.safestring import mark_safe

    markup = mark_safe(
        '<p title="ＥＢＰＭ">ＥＢＰＭと<a href="/x">ネウボラ</a>&amp;<em>レガシー</em></p>'
    )
    html = render_text(markup, kodomo=False, glossary=True)
    assert html.startswith('<p title="ＥＢＰＭ">')  # attribute untouched
    assert html.count('class="term-link"') == 2  # ＥＢＰＭ and レガシー, not inside the link
    assert '<a href="/x">ネウボラ</a>' in html
    assert "&amp;" in html and "&amp;amp;" not in html
    # plain text with the same characters is escaped, not taken as HTML
    plain = "".join([markup])  # a plain str copy
    assert render_text(plain, kodomo=False, glossary=True).startswith("&lt;p")


def test_html_input_gets_furigana_but_not_inside_existing_ruby(seed_plan: Any) -> None:
    from django.utils.safestring import mark_safe

    html = render_text(
        mark_safe("<b>区民</b><ruby>協働<rt>きょうどう</rt></ruby>"), kodomo=True, glossary=True
    )
    assert html == "<b><ruby>区民<rt>くみん</rt></ruby></b><ruby>協働<rt>きょうどう</rt></ruby>"
