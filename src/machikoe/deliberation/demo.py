"""Demo conversation: invented statements and simulated voters in three opinion groups.

Everything here is fictional. The voters are drawn from three made-up leanings (putting
children and youth first, keeping neighbourhoods quiet and green, bringing in business and
new housing) so the results page shows groups, consensus and divisive statements.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
from django.db import transaction
from django.utils import timezone

DEMO_SLUG = "demo-machizukuri"
CONSULTATION_SLUG = "next-basic-plan"

# (statement, agree probability for leanings A, B, C). Invented for the demo.
STATEMENTS: list[tuple[str, float, float, float]] = [
    ("駅前に子どもが放課後に過ごせる居場所をもっと増やしてほしい。", 0.95, 0.6, 0.5),
    ("公園のボール遊びの禁止を見直し、時間を区切って認めるべきだ。", 0.9, 0.2, 0.5),
    ("住宅街の緑や屋敷林は、開発より優先して守るべきだ。", 0.5, 0.95, 0.15),
    ("駅周辺の建物の高さ制限を緩め、商業施設を呼び込むべきだ。", 0.35, 0.05, 0.95),
    ("災害時に助け合えるよう、町会や自治会の活動を支援してほしい。", 0.85, 0.9, 0.8),
    ("夜間の騒音対策として、飲食店の営業時間にルールがほしい。", 0.2, 0.9, 0.1),
    ("空き家を若い世帯向けの手頃な住まいに活用してほしい。", 0.9, 0.5, 0.85),
    ("区の計画づくりに中高生の意見を聞く場を定期的に設けるべきだ。", 0.95, 0.55, 0.6),
    ("バスの本数を増やすより、自転車道の整備を優先すべきだ。", 0.6, 0.3, 0.55),
    ("新しいマンション建設には、地域住民との話し合いを必ず求めるべきだ。", 0.5, 0.95, 0.2),
    ("商店街のイベントを増やし、にぎわいをつくってほしい。", 0.7, 0.25, 0.9),
    ("高齢の人が歩いて行ける範囲に、買い物や相談の場が必要だ。", 0.85, 0.9, 0.85),
    ("区の情報は紙だけでなく、スマートフォンでも分かりやすく届けてほしい。", 0.9, 0.7, 0.9),
    ("税金はまず道路や建物より、子育て支援に使うべきだ。", 0.95, 0.45, 0.3),
    ("企業の誘致で働く場所を区内に増やすべきだ。", 0.4, 0.15, 0.95),
]
LEANINGS = (0.4, 0.35, 0.25)  # share of voters per leaning
N_VOTERS = 60


def load_demo(report: Callable[[str], None] = print) -> None:
    """Create the demo conversation once (idempotent)."""
    from machikoe.deliberation import analysis
    from machikoe.deliberation.models import (
        Conversation,
        Participant,
        Statement,
        Vote,
        VoteEvent,
    )
    from machikoe.participation.models import Consultation

    if Conversation.objects.filter(slug=DEMO_SLUG).exists():
        report("deliberation: デモの熟議は読み込み済みです")
        return
    rng = np.random.default_rng(2026)
    start = timezone.now() - timedelta(days=10)
    with transaction.atomic():
        conv = Conversation.objects.create(
            slug=DEMO_SLUG,
            title="これからのまちづくり（デモ）",
            question="これからの区のまちづくりで、大切にしたいことは何ですか？",
            description="デモ用の架空の熟議です。意見も投票もすべて架空のものです。",
            consultation=Consultation.objects.filter(slug=CONSULTATION_SLUG).first(),
            section_code="V4",
        )
        statements = [
            Statement.objects.create(
                conversation=conv,
                number=i,
                text=text,
                masked_text=text,
                is_seed=True,
                status=Statement.Status.APPROVED,
                created_at=start,
            )
            for i, (text, *_rest) in enumerate(STATEMENTS)
        ]
        probs = np.array([p for _t, *p in STATEMENTS])  # statements × leanings
        leanings = rng.choice(len(LEANINGS), size=N_VOTERS, p=LEANINGS)
        votes: list[Vote] = []
        events: list[VoteEvent] = []
        for n, leaning in enumerate(leanings):
            person = Participant.objects.create(conversation=conv)
            when = start + timedelta(hours=int(n * 3))
            seen = rng.permutation(len(statements))[: rng.integers(9, len(statements) + 1)]
            for j in seen:
                draw = rng.random()
                p_agree = probs[j, leaning]
                value = 1 if draw < p_agree * 0.9 else (0 if draw < p_agree * 0.9 + 0.1 else -1)
                when += timedelta(seconds=int(rng.integers(5, 60)))
                votes.append(
                    Vote(
                        conversation=conv,
                        participant=person,
                        statement=statements[j],
                        value=value,
                        voted_at=when,
                    )
                )
                events.append(
                    VoteEvent(
                        conversation=conv,
                        participant=person,
                        statement=statements[j],
                        value=value,
                        voted_at=when,
                    )
                )
        Vote.objects.bulk_create(votes)
        VoteEvent.objects.bulk_create(events)
    analysis.replay_into_cache(conv)
    report(
        f"deliberation: デモの熟議（参加者 {N_VOTERS} 人・投票 {len(votes)} 票）を読み込みました"
    )
