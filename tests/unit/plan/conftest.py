from __future__ import annotations

from typing import Any

import pytest

from machikoe.plan import page_cache, presentation
from machikoe.plan.loader import SEED_FILE, LoadResult, load_file


@pytest.fixture
def seed_plan(db: Any) -> LoadResult:
    """The packaged seed plan, loaded into the test database."""
    presentation.clear_cache()
    page_cache.clear()
    return load_file(SEED_FILE)


@pytest.fixture
def staff_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        "shokuin", password="pw-Setagaya-2026", is_staff=True
    )


@pytest.fixture
def resident_user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("kumin", password="pw-Setagaya-2026")
