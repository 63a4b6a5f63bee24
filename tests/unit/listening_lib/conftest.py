"""Small invented Japanese opinions (fictional, written for these tests) in four themes."""

from __future__ import annotations

import pytest

from machikoe.analysis.listening import Document, PerspectiveSpec

THEMES = {
    "park": [
        "公園に子どもが遊べる遊具を増やしてほしい",
        "近所の公園のすべり台が古くて危ないので直してほしい",
        "子どもが安心してボール遊びできる公園がほしい",
        "公園の砂場をきれいにしてほしい、子どもが遊ぶので",
        "放課後に子どもが集まれる公園や広場を増やしてください",
        "公園の遊具が少なく、子どもたちが遊ぶ場所がない",
    ],
    "care": [
        "高齢の親の介護が大変で、デイサービスを増やしてほしい",
        "一人暮らしの高齢者の見守りを地域で進めてほしい",
        "介護施設の空きがなく、高齢者の家族が困っている",
        "高齢者が気軽に相談できる介護の窓口がほしい",
        "認知症の高齢者を介護する家族への支援を充実してほしい",
        "介護職員が足りず、高齢者施設のサービスが心配です",
    ],
    "garbage": [
        "ごみの分別が分かりにくいので、リサイクルの案内を増やしてほしい",
        "プラスチックごみのリサイクルをもっと進めてほしい",
        "ごみ収集の日が少なく、集積所にごみがあふれている",
        "資源ごみの回収を増やし、リサイクルを進めてください",
        "ごみの分別ルールを外国人にも分かるように説明してほしい",
        "粗大ごみの出し方が分かりにくい、リサイクルも進めて",
    ],
    "bus": [
        "バスの本数が少なく、駅まで行くのが不便です",
        "コミュニティバスの路線を増やしてほしい、駅が遠い",
        "夜遅いバスがなくて駅から帰れない",
        "バス停にベンチと屋根をつけてほしい、駅前は混雑する",
        "駅へ行くバスが朝は満員で乗れないことがある",
        "高齢者が使いやすいバスの路線と本数を増やしてほしい",
    ],
}
AGES = ("high_school", "30s", "40s", "junior_high", "60s", "70s")
DISTRICTS = ("setagaya", "kitazawa", "tamagawa")


def make_docs(repeat: int = 2) -> list[Document]:
    docs = []
    n = 0
    for theme, texts in THEMES.items():
        for r in range(repeat):
            for k, text in enumerate(texts):
                suffix = ("", "。よろしくお願いします。", "と思います。")[r % 3]
                age = "high_school" if theme == "park" and k % 2 == 0 else AGES[(n + r) % len(AGES)]
                docs.append(
                    Document(
                        f"c{n}",
                        text + suffix,
                        {"age_band": age, "district": DISTRICTS[n % 3], "theme": theme},
                    )
                )
                n += 1
    return docs


PERSPECTIVES = (
    PerspectiveSpec(
        "V2", "誰もが住み慣れた地域で安心して暮らすことができる社会", "高齢者 介護 福祉"
    ),
    PerspectiveSpec("V2-2", "地域循環型の福祉基盤の拡大", "介護 高齢者の見守り"),
    PerspectiveSpec("V4", "子ども・若者支援と教育の充実", "子どもの居場所 遊び場 公園"),
    PerspectiveSpec("V5", "持続可能な循環型社会", "ごみ リサイクル プラスチック資源循環"),
)


@pytest.fixture
def docs() -> list[Document]:
    return make_docs()


@pytest.fixture
def perspectives() -> tuple[PerspectiveSpec, ...]:
    return PERSPECTIVES
