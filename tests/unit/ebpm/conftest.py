"""Fixtures for the EBPM app tests: a small plan with the seed's perspectives, users."""

from __future__ import annotations

from typing import Any

import pytest

PERSPECTIVES = {
    "V1": "コロナ禍からの復興・物価高騰等から区民生活と区内経済を守る",
    "V2": "誰もが住み慣れた地域で安心して暮らすことができる社会",
    "V3": "地域コミュニティ",
    "V4": "子ども・若者支援と教育の充実",
    "V5": "持続可能な循環型社会",
    "V6": "新たな自治体経営",
}


@pytest.fixture
def plan(db: Any) -> Any:
    """A plan version with V1–V6 and two sub-items, like the seed's 政策の視点."""
    from machikoe.plan.models import Plan, PlanVersion, Section

    plan = Plan.objects.create(slug="test-plan", title="次期基本計画策定の考え方")
    version = PlanVersion.objects.create(plan=plan, number=1, label="第1版")
    group = Section.objects.create(
        version=version, code="V", kind=Section.Kind.GROUP, order=0, title="主な視点"
    )
    order = 1
    for code, title in PERSPECTIVES.items():
        top = Section.objects.create(
            version=version,
            parent=group,
            code=code,
            kind=Section.Kind.PERSPECTIVE,
            order=order,
            title=title,
        )
        order += 1
        if code in {"V4", "V5"}:
            Section.objects.create(
                version=version,
                parent=top,
                code=f"{code}-1",
                kind=Section.Kind.ITEM,
                order=order,
                title=f"{title}の項目",
            )
            order += 1
    return version


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("shokuin", password="pw-12345-long", is_staff=True)


@pytest.fixture
def resident(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("kumin", password="pw-12345-long")
