"""How hard a Japanese text is to read: kanji ratio, mean sentence length, a grade estimate.

Method of the grade estimate (shown on the site as well):

    grade = 21.7 × (kanji ratio) + 0.1 × (mean sentence length in characters) − 1.7

rounded and clamped to 1…12 (1–6 小学, 7–9 中学, 10–12 高校). It is a simple linear
heuristic, not a validated formula: the two coefficients come from two anchor points,
a children's text (about 10 % kanji, 20-character sentences → 小学2〜3年) and
administrative prose (about 40 % kanji, 40-character sentences → 高校). The kanji ratio
counts kanji among all non-space characters excluding punctuation; sentences end at 。！？!?
or a line break. Use the figures to compare texts, not as a judgement of one text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from machikoe.analysis.text.kana import is_kanji

KANJI_WEIGHT = 21.7
LENGTH_WEIGHT = 0.1
INTERCEPT = -1.7
_SENTENCE_END = re.compile(r"[。．！？!?\n]+")
_PUNCTUATION = set("、。，．・「」『』（）()［］【】〈〉《》！？!?：:；;…‥〜～　 \t\r\n※")


@dataclass(frozen=True)
class Readability:
    characters: int
    kanji_ratio: float
    sentences: int
    mean_sentence_length: float
    grade: int

    @property
    def stage(self) -> str:
        """The school stage in Japanese, e.g. 小学4年生・中学2年生・高校生."""
        if self.grade <= 6:
            return f"小学{self.grade}年生"
        if self.grade <= 9:
            return f"中学{self.grade - 6}年生"
        return "高校生以上"

    def to_dict(self) -> dict[str, float | int | str]:
        return {
            "characters": self.characters,
            "kanji_ratio": round(self.kanji_ratio, 3),
            "sentences": self.sentences,
            "mean_sentence_length": round(self.mean_sentence_length, 1),
            "grade": self.grade,
            "stage": self.stage,
        }


def grade_estimate(kanji_ratio: float, mean_sentence_length: float) -> int:
    raw = KANJI_WEIGHT * kanji_ratio + LENGTH_WEIGHT * mean_sentence_length + INTERCEPT
    return max(1, min(12, round(raw)))


def analyse(text: str) -> Readability:
    """Readability figures of `text` (an empty text gets grade 1 and zeros)."""
    letters = [c for c in text if c not in _PUNCTUATION and not c.isspace()]
    kanji = sum(1 for c in letters if is_kanji(c))
    sentences = [s for s in _SENTENCE_END.split(text) if s.strip()]
    lengths = [len(re.sub(r"\s", "", s)) for s in sentences]
    ratio = kanji / len(letters) if letters else 0.0
    mean_length = sum(lengths) / len(lengths) if lengths else 0.0
    return Readability(
        characters=len(letters),
        kanji_ratio=ratio,
        sentences=len(sentences),
        mean_sentence_length=mean_length,
        grade=grade_estimate(ratio, mean_length),
    )
