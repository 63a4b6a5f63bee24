"""Finding personal names with Sudachi's 人名 part of speech, name lists and honorifics.

Sudachi tags surnames (姓) and given names (名), but also tags words that are place names or
ordinary words in context, so a lone 人名 token is masked only with evidence:
- a surname followed by a given name (山田太郎, 山田 太郎);
- an honorific after it (さん・様・先生・くん・ちゃん …), which also promotes an unknown or
  proper-noun token, or a listed surname such as 北沢 that Sudachi reads as a place;
- a self-introduction (…と申します) or a name label (氏名・名前は …);
- a listed surname that Sudachi also tags as 姓, unless it is a ward place name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from typing import Any

from machikoe.analysis.text.sudachi import tokenize

HONORIFICS = frozenset(
    {"さん", "さま", "様", "先生", "せんせい", "くん", "君", "ちゃん", "氏", "殿", "たん", "どの"}
)
# Sudachi reads "…ちゃんと" as the adverb ちゃんと ("properly"); after a name it is ちゃん + と.
_HONORIFIC_TOKENS = HONORIFICS | {"ちゃんと"}
# 様・氏・殿 are honorifics only as suffixes: "した様に" (like), "氏の絵" (his picture) are not.
_SUFFIX_ONLY = frozenset({"様", "さま", "氏", "殿", "どの"})
# Children's nicknames: a kana run before these is a name even when Sudachi splits it oddly.
_KID_HONORIFICS = frozenset({"ちゃん", "くん", "ちゃんと"})


def _is_honorific(m: Any) -> bool:
    surface = m.surface()
    if surface not in _HONORIFIC_TOKENS:
        return False
    return surface not in _SUFFIX_ONLY or m.part_of_speech()[0] == "接尾辞"


_NAME_LABEL = re.compile(r"(?:氏名|名前|なまえ|お名前)\s*(?:は|：|:|＝)?\s*$")
_INTRO_AFTER = ("と申し", "といい", "と言い", "といー", "です。", "でした")
_HAS_JAPANESE = re.compile(r"[ぁ-んァ-ヴ一-龥々]")
_SPACE = re.compile(r"[ 　]")


@lru_cache(maxsize=1)
def name_lists() -> dict[str, frozenset[str]]:
    """The [surname], [given] and [not_name] lists from data/pii_names.txt."""
    text = (
        resources.files("machikoe.analysis.text").joinpath("data/pii_names.txt").read_text("utf-8")
    )
    sections: dict[str, set[str]] = {}
    current = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, set())
            continue
        sections.setdefault(current, set()).update(line.split())
    return {key: frozenset(values) for key, values in sections.items()}


def _kind(m: Any) -> str:
    """'sei', 'mei', 'person' (人名 without detail), 'proper', 'unknown', 'space' or ''."""
    pos = m.part_of_speech()
    if pos[0] == "空白" or _SPACE.fullmatch(m.surface() or "x"):
        return "space"
    if pos[2] == "人名":
        return {"姓": "sei", "名": "mei"}.get(pos[3], "person")
    if m.is_oov():
        return "unknown"
    if pos[1] == "固有名詞":
        return "place" if pos[2] == "地名" else "proper"
    return ""


def find(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each personal name in `text`."""
    if not _HAS_JAPANESE.search(text):
        return
    lists = name_lists()
    surnames, given, not_name = lists["surname"], lists["given"], lists["not_name"]
    morphemes = tokenize(text, "C")
    kinds = [_kind(m) for m in morphemes]
    n = len(morphemes)
    kana_names = dict(_kana_names(morphemes, kinds))
    i = 0
    while i < n:
        if i in kana_names:
            first_end = kana_names[i]
            yield morphemes[i].begin(), morphemes[first_end].end()
            i = first_end + 1
            continue
        m = morphemes[i]
        surface = m.surface()
        kind = kinds[i]
        # A run of name tokens: 姓 [space] 名, or a single token.
        end_index = i
        if kind in ("sei", "person") or surface in surnames:
            j = i + 1
            if j < n and kinds[j] == "space" and j + 1 < n:
                j += 1
            if (
                j < n
                and surface not in not_name
                and (kinds[j] == "mei" or morphemes[j].surface() in given)
                and (kinds[j] == "mei" or kind == "sei" or surface in surnames)
            ):
                end_index = j
        start, end = m.begin(), morphemes[end_index].end()
        honorific = end_index + 1 < n and _is_honorific(morphemes[end_index + 1])
        is_name = False
        if end_index > i:
            is_name = True
        elif honorific and (
            kind in ("sei", "mei", "person", "proper", "unknown")
            or surface in surnames
            or surface in given
        ):
            is_name = _HAS_JAPANESE.search(surface) is not None
        elif kind in ("sei", "mei", "person"):
            rest = text[end : end + 4]
            label = _NAME_LABEL.search(text[max(0, start - 8) : start]) is not None
            intro = rest.startswith(_INTRO_AFTER[:3])
            listed = (surface in surnames or (kind == "mei" and surface in given)) and (
                surface not in not_name
            )
            is_name = label or intro or (listed and len(surface) >= 2)
        if is_name:
            yield start, end
            i = end_index + 1
        else:
            i += 1


_KANA = re.compile(r"[ぁ-んー]+|[ァ-ヴー]+")
_POLITE_PREFIX = ("お", "ご", "御")
_NOT_KANA_NAME = frozenset({"みな", "みんな", "みなさ", "あなた", "どなた", "だれ", "おまわり"})


def _kana_names(morphemes: list[Any], kinds: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) token index of kana names written before an honorific (ゆいなちゃん).

    Sudachi often splits a hiragana given name into pieces, so the tokens before the honorific
    are joined back while they stay in one script and are not particles.
    """
    for k, m in enumerate(morphemes):
        if k == 0 or not _is_honorific(m):
            continue
        first = k
        while first > 0 and k - first < 3:
            prev = morphemes[first - 1]
            surface = prev.surface()
            if prev.part_of_speech()[0] in ("助詞", "補助記号", "空白") or not _KANA.fullmatch(
                surface
            ):
                break
            if first < k and _script(surface) != _script(morphemes[first].surface()):
                break
            first -= 1
        if first == k:
            continue
        run = morphemes[first:k]
        text = "".join(t.surface() for t in run)
        if text in _NOT_KANA_NAME or run[0].surface() in _POLITE_PREFIX:
            continue
        has_name = any(
            kinds[j] in ("sei", "mei", "person", "proper", "unknown") for j in range(first, k)
        )
        # Without a name token, only a kids' nickname (そうすけくん) whose last piece is not
        # an inflection ending (した様, 出来なくする様) counts.
        nickname = (
            m.surface() in _KID_HONORIFICS
            and len(run) >= 2
            and run[-1].part_of_speech()[0] not in ("助動詞", "助詞")
        )
        if has_name or nickname:
            yield first, k - 1


def _script(surface: str) -> str:
    return "katakana" if re.fullmatch(r"[ァ-ヴー]+", surface) else "hiragana"
