"""Labelers: a short Japanese label, keywords and representative opinions per cluster.

`ctfidf` (default, extractive): keywords by class-based TF-IDF over Sudachi nouns (normalised
forms) — a word scores high when frequent in this cluster and rare across clusters; the label
joins the top three keywords with 「・」; the summary is the sentence, among the opinions
nearest the centroid, that carries most keyword weight per character. Tokenises at most
`sample_per_cluster` opinions per subtopic, so 100,000 opinions cost seconds.
`openai-chat` (optional) asks an OpenAI-compatible chat endpoint for the label.
`none`: labels "トピック 1", no keywords.
"""

from __future__ import annotations

import json
import os
import re
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from machikoe.core.errors import ValidationFailed

from .registry import Registry
from .split import sentences

STOPWORDS = frozenset(
    [
        "こと",
        "もの",
        "ため",
        "よう",
        "それ",
        "これ",
        "あれ",
        "どれ",
        "ところ",
        "とき",
        "時",
        "方",
        "人",
        "自分",
        "私",
        "僕",
        "俺",
        "今",
        "感じ",
        "気",
        "事",
        "物",
        "思う",
        "考える",
        "言う",
        "ある",
        "いる",
        "する",
        "なる",
        "できる",
        "様",
        "等",
        "中",
        "上",
        "下",
        "前",
        "後",
        "所",
        "的",
        "さん",
        "皆",
        "みんな",
        "そう",
        "本当",
        "非常",
        "場合",
        "点",
        "面",
        "件",
        "意見",
        "以上",
        "以下",
        "部分",
        "必要",
        "問題",
        "可能",
        "現在",
        "今回",
        "日本",
        "一",
        "二",
    ]
)
_KANA1 = re.compile(r"^(?:[\u3041-\u309fー]{1,2}|[\u30a0-\u30ffー])$")


@dataclass(frozen=True)
class ClusterLabel:
    keywords: tuple[str, ...]
    label: str
    summary: str
    representatives: tuple[int, ...]  # indexes into the labelled texts


class Labeler(Protocol):
    def fit(
        self, texts: Sequence[str], vectors: np.ndarray, clusters: Sequence[np.ndarray]
    ) -> Labeler: ...

    labels_: list[ClusterLabel]


LABELERS: Registry[Labeler] = Registry("labeler")


def nouns(text: str) -> list[str]:
    from machikoe.analysis.text.sudachi import tokenize

    out = []
    for m in tokenize(text[:1000], "C"):
        pos = m.part_of_speech()
        if pos[0] != "名詞" or pos[1] in ("数詞", "代名詞") or pos[2] == "助数詞可能":
            continue
        word = m.normalized_form()
        if word in STOPWORDS or _KANA1.match(word) or (len(word) < 2 and not _is_kanji(word)):
            continue
        out.append(word)
    return out


def _is_kanji(word: str) -> bool:
    return all("\u4e00" <= ch <= "\u9fff" for ch in word)


def nearest(vectors: np.ndarray, members: np.ndarray, n: int) -> np.ndarray:
    """Members closest to their centroid (most representative first)."""
    if len(members) == 0:
        return members
    centroid = vectors[members].mean(axis=0)
    sims = vectors[members] @ centroid
    return members[np.argsort(-sims, kind="stable")[:n]]


def _summary(texts: Sequence[str], reps: np.ndarray, weights: dict[str, float]) -> str:
    best = ("", -1.0)
    for i in reps[:10]:
        text = texts[int(i)]
        for s, e in sentences(text[:2000]):
            sentence = text[s:e].strip()
            if not 8 <= len(sentence) <= 120:
                continue
            score = sum(w for word, w in weights.items() if word in sentence) / (
                len(sentence) ** 0.5
            )
            if score > best[1]:
                best = (sentence, score)
    if not best[0] and len(reps):
        best = (texts[int(reps[0])][:80], 0.0)
    return best[0]


@LABELERS.register("ctfidf")
class CTfidfLabeler:
    def __init__(
        self,
        n_keywords: int = 8,
        n_representatives: int = 5,
        sample_per_cluster: int = 200,
        random_state: int = 0,
    ) -> None:
        self.n_keywords = n_keywords
        self.n_representatives = n_representatives
        self.sample_per_cluster = sample_per_cluster
        self.random_state = random_state

    def fit(
        self, texts: Sequence[str], vectors: np.ndarray, clusters: Sequence[np.ndarray]
    ) -> CTfidfLabeler:
        rng = np.random.default_rng(self.random_state)
        counts: list[Counter[str]] = []
        token_cache: dict[int, list[str]] = {}
        for members in clusters:
            if len(members) > self.sample_per_cluster:
                # half nearest the centroid, half random: central and varied words
                half = self.sample_per_cluster // 2
                near = nearest(vectors, members, half)
                rest = np.setdiff1d(members, near)
                chosen = np.concatenate([near, rng.choice(rest, half, replace=False)])
            else:
                chosen = members
            counter: Counter[str] = Counter()
            for i in chosen.tolist():
                if i not in token_cache:
                    token_cache[i] = nouns(texts[i])
                counter.update(token_cache[i])
            counts.append(counter)
        # c-TF-IDF: tf within class (normalised) x log(1 + mean words per class / word freq)
        total: Counter[str] = Counter()
        for counter in counts:
            total.update(counter)
        avg = sum(total.values()) / max(len(counts), 1)
        self.labels_ = []
        for members, counter in zip(clusters, counts, strict=True):
            size = sum(counter.values()) or 1
            scored = {
                w: (c / size) * np.log(1 + avg / total[w]) for w, c in counter.items() if c >= 1
            }
            top = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))[: self.n_keywords]
            keywords = tuple(w for w, _ in top)
            reps = nearest(vectors, members, max(self.n_representatives, 10))
            summary = _summary(texts, reps, dict(top))
            label = "・".join(keywords[:3]) if keywords else (summary[:20] or "（ラベルなし）")
            self.labels_.append(
                ClusterLabel(
                    keywords, label, summary, tuple(int(i) for i in reps[: self.n_representatives])
                )
            )
        return self


@LABELERS.register("none")
class NoLabeler:
    """No-op: numbered labels and centroid-nearest representatives only."""

    def __init__(self, **_: object) -> None:
        pass

    def fit(
        self, texts: Sequence[str], vectors: np.ndarray, clusters: Sequence[np.ndarray]
    ) -> NoLabeler:
        self.labels_ = [
            ClusterLabel((), f"クラスタ {i + 1}", "", tuple(int(j) for j in nearest(vectors, m, 5)))
            for i, m in enumerate(clusters)
        ]
        return self


@LABELERS.register("openai-chat")
class OpenAIChatLabeler:
    """c-TF-IDF first, then an OpenAI-compatible chat endpoint writes a short label.

    Options: base_url, model, api_key (or $MACHIKOE_CHAT_KEY). Representative texts are sent
    to that endpoint: use only one inside the ward's network.
    """

    def __init__(
        self, base_url: str = "", model: str = "", api_key: str = "", random_state: int = 0
    ) -> None:
        self.base_url = base_url
        self.model = model
        self.api_key = api_key
        self.random_state = random_state

    def fit(
        self, texts: Sequence[str], vectors: np.ndarray, clusters: Sequence[np.ndarray]
    ) -> OpenAIChatLabeler:
        if not self.base_url or not self.model:
            raise ValidationFailed(
                "openai-chat ラベル付けには base_url と model の設定が必要です: "
                'options = {labeler = {base_url = "http://host/v1", model = "..."}}',
                code="missing_backend",
            )
        base = CTfidfLabeler(random_state=self.random_state).fit(texts, vectors, clusters)
        key = self.api_key or os.environ.get("MACHIKOE_CHAT_KEY", "")
        self.labels_ = []
        for item in base.labels_:
            examples = "\n".join(f"- {texts[i][:200]}" for i in item.representatives)
            prompt = (
                "次の住民意見のまとまりに、20字以内の日本語の見出しを一つだけ付けてください。\n"
                f"キーワード: {'、'.join(item.keywords)}\n意見の例:\n{examples}"
            )
            body = json.dumps(
                {"model": self.model, "messages": [{"role": "user", "content": prompt}]}
            ).encode()
            request = urllib.request.Request(
                self.base_url.rstrip("/") + "/chat/completions",
                data=body,
                headers={"Content-Type": "application/json", "Authorization": f"Bearer {key}"},
            )
            with urllib.request.urlopen(request, timeout=120) as response:
                answer = json.loads(response.read())["choices"][0]["message"]["content"]
            label = answer.strip().splitlines()[0][:40] if answer.strip() else item.label
            self.labels_.append(
                ClusterLabel(item.keywords, label, item.summary, item.representatives)
            )
        return self
