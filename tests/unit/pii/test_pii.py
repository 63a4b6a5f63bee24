"""PII masking: formats, offsets, the corpus thresholds and false masking on the plan."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machikoe.analysis.text.pii import TAGS, MaskResult, PiiSpan, apply_spans, mask_pii
from machikoe.analysis.text.pii_eval import evaluate, false_masking
from machikoe.analysis.text.pii_sources import plan_sentences, seed_sentences

ROOT = Path(__file__).resolve().parents[3]
CORPUS = ROOT / "tests" / "data" / "pii_corpus.jsonl"
PLAN_FILE = ROOT / "src" / "machikoe" / "plan" / "data" / "setagaya_next_basic_plan.json"


def categories(text: str) -> list[tuple[str, str]]:
    return [(text[s.start : s.end], s.category) for s in mask_pii(text).spans]


@pytest.mark.parametrize(
    "text, found",
    [
        ("電話は03-1234-5678です", "03-1234-5678"),
        ("携帯０９０ー１２３４ー５６７８まで", "０９０ー１２３４ー５６７８"),
        ("(03)1234-5678", "(03)1234-5678"),
        ("+81-90-1234-5678へ", "+81-90-1234-5678"),
        ("0120−123−456", "0120−123−456"),
        ("03–1234–5678", "03–1234–5678"),
        ("09012345678", "09012345678"),
        ("電話 3412-5678", "3412-5678"),
    ],
)
def test_phone_formats(text: str, found: str) -> None:
    assert (found, "phone") in categories(text)


@pytest.mark.parametrize(
    "text, found, category",
    [
        ("連絡はtaro.yamada@example.jp", "taro.yamada@example.jp", "email"),
        ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", "email"),
        ("〒154-0017", "154-0017", "postal_code"),
        ("〒１５４－００１７", "１５４－００１７", "postal_code"),
        ("郵便番号1540017", "1540017", "postal_code"),
        ("マイナンバー1234 5678 9012", "1234 5678 9012", "my_number"),
        ("個人番号１２３４－５６７８－９０１２", "１２３４－５６７８－９０１２", "my_number"),
        ("三軒茶屋二丁目5番地に住む", "三軒茶屋二丁目5番地", "address"),
        ("世田谷区太子堂4-1-1です", "世田谷区太子堂4-1-1", "address"),
        ("松原五丁目二十番三号", "松原五丁目二十番三号", "address"),
    ],
)
def test_formatted_categories(text: str, found: str, category: str) -> None:
    assert (found, category) in categories(text)


@pytest.mark.parametrize(
    "text, name",
    [
        ("山田太郎さんに電話した", "山田太郎"),
        ("山田 太郎", "山田 太郎"),
        ("田中先生のじゅぎょう", "田中"),
        ("ゆいなちゃんと遊んだ", "ゆいな"),
        ("北沢さんが来た", "北沢"),
        ("氏名：中村健一", "中村健一"),
        ("佐藤と申します", "佐藤"),
    ],
)
def test_names(text: str, name: str) -> None:
    assert (name, "person_name") in categories(text)


@pytest.mark.parametrize(
    "text",
    [
        "世田谷区の計画",
        "北沢タウンホールで説明会",
        "下北沢の駅前",
        "お母さんと店員さん",
        "学校の先生が忙しい",
        "おばあちゃんが心配",
        "2024年4月1日から",
        "図2-1のグラフ",
        "参加者は10-20代",
        "三丁目の交差点",
        "国道246号の歩道橋",
        "皆さんの意見",
        "情報を発信した様に広がる",
        "蔑ろにする様な進め方",
        "それだけでなく氏の絵も",
        "百歩譲って賛成します",
    ],
)
def test_no_false_positives(text: str) -> None:
    assert mask_pii(text).spans == ()


def test_masked_text_and_offsets_refer_to_the_original() -> None:
    text = "山田太郎です。〒154-0017 電話03-1234-5678"
    result = mask_pii(text)
    assert isinstance(result, MaskResult)
    assert result.masked == "［氏名］です。〒［郵便番号］ 電話［電話番号］"
    assert [text[s.start : s.end] for s in result.spans] == ["山田太郎", "154-0017", "03-1234-5678"]
    assert result.to_dict()["spans"][0] == {"start": 0, "end": 4, "category": "person_name"}


def test_email_wins_over_name_inside_it() -> None:
    assert categories("yamada.taro@example.jp") == [("yamada.taro@example.jp", "email")]


def test_apply_spans_rejects_overlap() -> None:
    with pytest.raises(ValueError):
        apply_spans("abcdef", [PiiSpan(0, 3, "phone"), PiiSpan(2, 4, "email")])


def test_span_from_dict_validates() -> None:
    with pytest.raises(ValueError):
        PiiSpan.from_dict({"start": 0, "end": 2, "category": "password"})
    with pytest.raises(ValueError):
        PiiSpan.from_dict({"start": 3, "end": 2, "category": "phone"})


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="あいう山田世田谷0123456789-ー＠@.区丁目番号さん 〒", max_size=40))
def test_any_text_gives_consistent_spans(text: str) -> None:
    result = mask_pii(text)
    spans = list(result.spans)
    assert spans == sorted(spans)
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    assert result.masked == apply_spans(text, spans)
    for tag in TAGS.values():
        assert result.masked.count(tag) >= sum(1 for s in spans if TAGS[s.category] == tag)


def test_corpus_meets_recall_targets() -> None:
    rows = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    assert len(rows) >= 300
    assert sum(1 for r in rows if not r["spans"]) >= 80
    scores = evaluate(rows).scores
    for category in ("phone", "email", "postal_code", "my_number"):
        assert scores[category].recall >= 0.95, scores[category].to_dict()
    for category in ("person_name", "address"):
        assert scores[category].recall >= 0.85, scores[category].to_dict()
    for score in scores.values():
        assert score.gold >= 30
        assert score.precision >= 0.9, score.to_dict()


def test_seed_and_plan_are_rarely_masked(shared_dir: Path) -> None:
    lines = seed_sentences(shared_dir) + plan_sentences(PLAN_FILE)
    total, wrong = false_masking(lines)
    assert total > 50
    assert len(wrong) / total <= 0.02, wrong
