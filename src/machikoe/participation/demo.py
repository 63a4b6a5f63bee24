"""Demo data: one open consultation on the seed plan with a few hundred invented opinions
(adults and youth, every district and channel, some with fake personal data to show the
masking, a few spam/abuse items hidden by moderation). Idempotent."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from machikoe.participation import services
from machikoe.participation.demo_texts import generate
from machikoe.participation.models import (
    AgeBand,
    Channel,
    Consultation,
    District,
    HiddenReason,
    Opinion,
    Relation,
)

DEMO_SLUG = "next-basic-plan"
DEMO_COUNT = 320

YOUTH_BANDS = [AgeBand.ELEMENTARY, AgeBand.JUNIOR_HIGH, AgeBand.HIGH_SCHOOL, AgeBand.COLLEGE]
ADULT_BANDS = [
    AgeBand.AGE_20S,
    AgeBand.AGE_30S,
    AgeBand.AGE_40S,
    AgeBand.AGE_40S,
    AgeBand.AGE_50S,
    AgeBand.AGE_60S,
    AgeBand.AGE_70S,
    AgeBand.AGE_80_PLUS,
    AgeBand.NO_ANSWER,
]


def load_demo(report: Callable[[str], None] = print) -> None:
    if Consultation.objects.filter(slug=DEMO_SLUG).exists():
        report("participation: デモの意見募集は読み込み済みです")
        return
    from machikoe.plan import selectors as plan_selectors

    version = plan_selectors.current_version()
    now = timezone.now()
    rng = random.Random(11)
    with transaction.atomic():
        consultation = Consultation.objects.create(
            slug=DEMO_SLUG,
            title="次期基本計画（素案）への意見募集",
            description=(
                "世田谷区の次期基本計画の考え方について、みなさんの意見を募集しています。\n\n"
                "計画全体への意見も、項目ごとの意見も送れます。こども・若者向けのページもあります。"
                "いただいた意見は、個人情報を伏せたうえで公開し、計画づくりに活かします。"
            ),
            plan_version=version,
            opens_at=now - timedelta(days=14),
            closes_at=now + timedelta(days=30),
            channels=[c.value for c in Channel],
        )
        for n, item in enumerate(generate(DEMO_COUNT)):
            if item.youth:
                band = rng.choice(YOUTH_BANDS)
                channel = Channel.YOUTH_WEB if rng.random() < 0.7 else Channel.WEB
                relation = Relation.STUDENT if rng.random() < 0.5 else Relation.RESIDENT
            else:
                band = rng.choice(ADULT_BANDS)
                channel = rng.choice(
                    [Channel.WEB] * 6 + [Channel.PAPER, Channel.EVENT, Channel.API, Channel.IMPORT]
                )
                relation = rng.choice([Relation.RESIDENT] * 5 + [Relation.WORKER, Relation.OTHER])
            district = rng.choice(
                [*list(District)[:5], *list(District)[:5], District.OUTSIDE, District.NO_ANSWER]
            )
            opinion = services.submit_opinion(
                consultation,
                services.OpinionInput(
                    body=item.body,
                    channel=channel,
                    section_code=item.section_code,
                    age_band=band,
                    district=district,
                    relation=relation,
                ),
                external_id=f"demo-{n}" if channel in (Channel.IMPORT, Channel.PAPER) else "",
                submitted_at=now - timedelta(days=rng.uniform(0, 14)),
                status=Opinion.Status.APPROVED,
            )
            if item.spam:
                Opinion.objects.filter(pk=opinion.pk).update(
                    status=Opinion.Status.HIDDEN, hidden_reason=HiddenReason.SPAM
                )
            elif rng.random() < 0.08:
                Opinion.objects.filter(pk=opinion.pk).update(status=Opinion.Status.PENDING)
    report(
        f"participation: 意見募集「{consultation.title}」と意見 {consultation.opinions.count()} 件を読み込みました"
    )
