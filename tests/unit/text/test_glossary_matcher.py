from __future__ import annotations

from machikoe.analysis.text.glossary import TermMatcher, normalise


def spans(matcher: TermMatcher, text: str) -> list[tuple[str, int]]:
    return [(text[m.start : m.end], m.key) for m in matcher.find(text)]


def test_full_width_and_half_width_match_each_other() -> None:
    matcher = TermMatcher({4: "ＥＢＰＭ"})
    assert spans(matcher, "EBPMの推進とｅｂｐｍ") == [("EBPM", 4), ("ｅｂｐｍ", 4)]
    assert normalise("ＥＢＰＭ") == "ebpm"


def test_longest_term_wins_and_matches_never_overlap() -> None:
    matcher = TermMatcher({1: "グリーン", 2: "グリーンインフラ", 3: "インフラ"})
    assert spans(matcher, "グリーンインフラとグリーン") == [
        ("グリーンインフラ", 2),
        ("グリーン", 1),
    ]


def test_no_terms_no_matches() -> None:
    assert TermMatcher({}).find("なんでも") == []
