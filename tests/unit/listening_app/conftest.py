"""Fixtures: a consultation with invented opinions on a few clear themes (no real texts)."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from machikoe.participation.models import Consultation, Opinion
from tests.unit.listening_app.opinion_data import AGE_CYCLE, DISTRICT_CYCLE, SUFFIXES, THEMES


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("shokuin", password="pw-test-12345", is_staff=True)


@pytest.fixture
def resident(django_user_model: Any) -> Any:
    return get_user_model().objects.create_user("kumin", password="pw-test-12345")


@pytest.fixture
def consultation(db: Any) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        slug="demo-plan",
        title="次期基本計画（素案）への意見",
        opens_at=now - timedelta(days=30),
        closes_at=now - timedelta(days=1),
    )


_counter = itertools.count(1)


@pytest.fixture
def make_opinions(consultation: Consultation) -> Callable[..., list[Opinion]]:
    """Create invented opinions: every theme sentence with each suffix, attributes cycled."""

    def make(per_theme: int = 12, status: str = Opinion.Status.APPROVED) -> list[Opinion]:
        created = []
        now = timezone.now()
        i = 0
        for _theme, sentences in THEMES.items():
            combos = list(itertools.product(sentences, SUFFIXES))[:per_theme]
            for sentence, suffix in combos:
                n = next(_counter)
                text = sentence + suffix
                created.append(
                    Opinion(
                        consultation=consultation,
                        receipt_number=f"T-{n:06d}",
                        channel="web",
                        body=text,
                        masked_body=text,
                        age_band=AGE_CYCLE[i % len(AGE_CYCLE)],
                        district=DISTRICT_CYCLE[i % len(DISTRICT_CYCLE)],
                        status=status,
                        submitted_at=now - timedelta(minutes=n),
                    )
                )
                i += 1
        return Opinion.objects.bulk_create(created)

    return make


@pytest.fixture
def fast_settings(settings: Any) -> Any:
    """No background pre-computation in tests that do not test it (keeps tests fast)."""
    settings.LISTENING_PRECOMPUTE_VECTORIZERS = ()
    return settings
