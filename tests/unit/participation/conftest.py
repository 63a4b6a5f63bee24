"""Fixtures for participation tests: an open consultation, staff users, a local cache."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import caches
from django.utils import timezone

from machikoe.participation.models import Consultation


@pytest.fixture(autouse=True)
def local_cache(settings: Any) -> Any:
    """Rate-limit counters in a fresh local-memory cache (no cache table needed)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def consultation(db: Any) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        slug="plan-draft",
        title="計画素案への意見募集",
        description="素案について意見を募集します。",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        channels=[],
        section_codes=["V4", "V4-1"],
    )


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("staff", password="pw-123456!", is_staff=True)


@pytest.fixture
def officer(django_user_model: Any) -> Any:
    """Staff with participation.view_original_text."""
    user = django_user_model.objects.create_user("officer", password="pw-123456!", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_original_text"))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def resident(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("resident", password="pw-123456!")
