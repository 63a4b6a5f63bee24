"""Readings for the seed's words (written by hand, not produced by the code) and the
furigana markup built from them."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machikoe.analysis.text.furigana import ruby_parts, to_html, tokens
from machikoe.analysis.text.kana import to_hiragana

# Words from ../shared/seed/000_5af82924fcec8af0.txt with their correct readings.
SEED_READINGS = {
    "世田谷": "せたがや",
    "区民": "くみん",
    "協働": "きょうどう",
    "脱炭素": "だつたんそ",
    "子育て": "こそだて",
    "住み慣れた": "すみなれた",
    "次期": "じき",
    "基本計画": "きほんけいかく",
    "策定": "さくてい",
    "考え方": "かんがえかた",
    "検討": "けんとう",
    "参加": "さんか",
    "取組み": "とりくみ",
    "一層": "いっそう",
    "推進": "すいしん",
    "情報公開": "じょうほうこうかい",
    "機動的": "きどうてき",
    "組織": "そしき",
    "転換": "てんかん",
    "機能": "きのう",
    "強化": "きょうか",
    "複雑化": "ふくざつか",
    "価値創造": "かちそうぞう",
    "踏まえた": "ふまえた",
    "全庁的": "ぜんちょうてき",
    "底上げ": "そこあげ",
    "分野横断的": "ぶんやおうだんてき",
    "若者": "わかもの",
    "意見聴取": "いけんちょうしゅ",
    "反映": "はんえい",
    "政策": "せいさく",
    "施策": "しさく",
    "視点": "してん",
    "復興": "ふっこう",
    "物価高騰": "ぶっかこうとう",
    "区内経済": "くないけいざい",
    "暮らす": "くらす",
    "地域": "ちいき",
    "持続可能": "じぞくかのう",
    "循環型社会": "じゅんかんがたしゃかい",
    "自治体経営": "じちたいけいえい",
    "緊急時": "きんきゅうじ",
    "感染症対策": "かんせんしょうたいさく",
    "災害発生時": "さいがいはっせいじ",
    "施設運営": "しせつうんえい",
    "見直し": "みなおし",
    "福祉基盤": "ふくしきばん",
    "共生": "きょうせい",
    "尊重": "そんちょう",
    "社会的包摂": "しゃかいてきほうせつ",
    "多様性": "たようせい",
    "身近": "みぢか",
    "手続き": "てつづき",
    "窓口": "まどぐち",
    "居場所": "いばしょ",
    "空き家": "あきや",
    "有効活用": "ゆうこうかつよう",
    "魅力": "みりょく",
    "官民連携": "かんみんれんけい",
    "近隣住民": "きんりんじゅうみん",
    "助け合える": "たすけあえる",
    "表明": "ひょうめい",
    "切れ目": "きれめ",
    "妊娠期": "にんしんき",
    "世田谷版": "せたがやばん",
    "在宅": "ざいたく",
    "拡充": "かくじゅう",
    "参画": "さんかく",
    "活躍": "かつやく",
    "個別最適": "こべつさいてき",
    "学び": "まなび",
    "教育総合センター": "きょういくそうごうせんたー",
    "絆": "きずな",
    "育む": "はぐくむ",
    "社会教育": "しゃかいきょういく",
    "加速化": "かそくか",
    "資源循環": "しげんじゅんかん",
    "本庁舎": "ほんちょうしゃ",
    "働き方改革": "はたらきかたかいかく",
    "多世代": "たせだい",
    "多用途": "たようと",
    "行財政運営": "ぎょうざいせいうんえい",
    "用語解説": "ようごかいせつ",
    "利害関係者": "りがいかんけいしゃ",
    "逆算": "ぎゃくさん",
    "証拠": "しょうこ",
    "政策立案": "せいさくりつあん",
    "元どおり": "もとどおり",
    "地球温暖化": "ちきゅうおんだんか",
    "生物多様性": "せいぶつたようせい",
    "有形": "ゆうけい",
    "無形": "むけい",
    "遺産": "いさん",
    "就学前": "しゅうがくまえ",
    "医療": "いりょう",
    "社会資本整備": "しゃかいしほんせいび",
    "土地利用": "とちりよう",
    "情報通信技術": "じょうほうつうしんぎじゅつ",
    "直接的": "ちょくせつてき",
    "契機": "けいき",
    "高齢者": "こうれいしゃ",
    "障害者": "しょうがいしゃ",
    "見守り": "みまもり",
    "相談援助": "そうだんえんじょ",
    "専門機関": "せんもんきかん",
    "様々": "さまざま",
    "新たな": "あらたな",
    "誰もが": "だれもが",
    "集う": "つどう",
    "親しめる": "したしめる",
}


def reading_of(text: str) -> str:
    return "".join(t.reading for t in tokens(text))


def test_enough_seed_words_are_checked(seed_text: str) -> None:
    flat = "".join(seed_text.split())
    present = [w for w in SEED_READINGS if w in flat]
    assert len(present) >= 60, f"only {len(present)} test words occur in the seed"


@pytest.mark.parametrize(("word", "reading"), sorted(SEED_READINGS.items()))
def test_seed_word_reading(word: str, reading: str) -> None:
    assert reading_of(word) == reading


@pytest.mark.parametrize(
    ("sentence", "word", "reading"),
    [
        ("誰もが住み慣れた地域で安心して暮らすことができる社会", "住み慣れた", "すみなれた"),
        ("身近なところで多様な相談や手続きに対応する窓口の実現", "身近", "みぢか"),
        ("区・医療・地域が連携して相談支援する", "医療", "いりょう"),
        ("妊娠期からの「世田谷版ネウボラ」の支援ネットワーク", "世田谷版", "せたがやばん"),
        ("公共施設・空き家の有効活用 等", "空き家", "あきや"),
    ],
)
def test_reading_in_context(sentence: str, word: str, reading: str) -> None:
    start = sentence.index(word)
    position = 0
    collected = ""
    for token in tokens(sentence):
        end = position + len(token.surface)
        if position >= start and end <= start + len(word):
            collected += token.reading
        position = end
    assert collected == reading


def test_ruby_sits_over_kanji_only() -> None:
    assert ruby_parts("住み", "すみ") == [("住", "す"), ("み", None)]
    assert ruby_parts("空き家", "あきや") == [("空", "あ"), ("き", None), ("家", "や")]
    assert ruby_parts("コロナ禍", "ころなか") == [("コロナ", None), ("禍", "か")]
    assert ruby_parts("区民", "くみん") == [("区民", "くみん")]
    # Alignment impossible: the reading goes over the whole word.
    assert ruby_parts("今日は", "こんにちわ") == [("今日は", "こんにちわ")]


def test_html_has_ruby_for_kanji_words_and_escapes() -> None:
    html = to_html("子育て<b>&")
    assert html == "<ruby>子育<rt>こそだ</rt></ruby>て&lt;b&gt;&amp;"
    assert to_html("世田谷") == "<ruby>世田谷<rt>せたがや</rt></ruby>"
    assert "<ruby>" not in to_html("コミュニティ")


def test_readings_are_hiragana() -> None:
    for token in tokens("デジタル・デモクラシーによる「参加と協働」の発展"):
        assert token.reading == to_hiragana(token.reading)
        assert not any("ァ" <= c <= "ヶ" for c in token.reading)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80))
def test_surfaces_concatenate_to_input(text: str) -> None:
    assert "".join(t.surface for t in tokens(text)) == text


def test_long_text_is_covered_exactly(seed_text: str) -> None:
    text = seed_text * 4  # beyond one Sudachi call
    assert "".join(t.surface for t in tokens(text)) == text
