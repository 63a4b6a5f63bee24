from __future__ import annotations

import pytest

from machikoe.analysis.text.readability import analyse, grade_estimate


def test_kanji_ratio_and_sentence_length() -> None:
    result = analyse("区民の声。みんなで話す。")
    # letters: 区民の声 (4) + みんなで話す (6) = 10, of which 区民声話 are kanji
    assert result.characters == 10
    assert result.kanji_ratio == pytest.approx(4 / 10)
    assert result.sentences == 2
    assert result.mean_sentence_length == pytest.approx(5.0)


def test_grade_rises_with_kanji_and_length() -> None:
    easy = analyse("きょうは こうえんで あそびました。たのしかったです。")
    hard = analyse(
        "切れ目のない子育て支援の充実（妊娠期からの「世田谷版ネウボラ」の支援ネットワークの連携強化）"
    )
    assert easy.grade < hard.grade
    assert 1 <= easy.grade <= 3
    assert hard.grade >= 10
    assert hard.stage == "高校生以上"


def test_grade_formula_anchor_points_and_clamping() -> None:
    assert grade_estimate(0.1, 20) in (2, 3)
    assert grade_estimate(0.4, 40) == 11
    assert grade_estimate(0.0, 0) == 1
    assert grade_estimate(1.0, 200) == 12


def test_empty_text() -> None:
    result = analyse("")
    assert (result.characters, result.sentences, result.grade) == (0, 0, 1)
    assert result.to_dict()["stage"] == "小学1年生"
