"""Plan pages: overview, sections by code, glossary, Japanese 404, staff edit, diff."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from machikoe.core.models import AuditLog
from machikoe.plan.models import PlanVersion

pytestmark = pytest.mark.django_db


def test_overview_lists_considerations_and_perspectives(client: Client, seed_plan: Any) -> None:
    html = client.get("/plan/").content.decode()
    assert "次期基本計画策定の考え方" in html
    for code in [f"C{i}" for i in range(1, 10)] + [f"V{i}" for i in range(1, 7)]:
        assert f'href="/plan/{code}/"' in html
    assert "持続可能な地域経済の実現" in html
    assert 'class="readability' in html


def test_perspective_page_shows_items(client: Client, seed_plan: Any) -> None:
    response = client.get("/plan/V4/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "子ども・若者支援と教育の充実" in html
    for i in range(1, 7):
        assert f'href="/plan/V4-{i}/"' in html
    assert "#term-7" in html  # ネウボラ annotated in V4-2
    assert "読みやすさ" in html and "程度" in html


def test_perspective_one_shows_alternative_title(client: Client, seed_plan: Any) -> None:
    html = client.get("/plan/V1/").content.decode()
    assert "コロナ禍からの復興・物価高騰等から区民生活を守る" in html
    assert "別表記" in html


def test_sub_item_page(client: Client, seed_plan: Any) -> None:
    html = client.get("/plan/V6-1/").content.decode()
    assert "#term-9" in html  # デジタル・デモクラシー
    assert 'href="/plan/V6/"' in html  # breadcrumb to its perspective


def test_page_queries_do_not_grow_with_sections(
    client: Client, seed_plan: Any, django_assert_max_num_queries: Any
) -> None:
    client.get("/plan/")
    with django_assert_max_num_queries(6):
        client.get("/plan/")


def test_glossary_page(client: Client, seed_plan: Any) -> None:
    html = client.get("/plan/glossary/").content.decode()
    for number in range(1, 10):
        assert f'id="term-{number}"' in html
    assert "フィンランド語で「相談・アドバイスの場所」を意味する言葉。" in html


def test_kodomo_mode_renders_furigana(client: Client, seed_plan: Any) -> None:
    client.cookies["machikoe_kodomo"] = "1"
    html = client.get("/plan/V2/").content.decode()
    assert "<ruby>住<rt>す</rt></ruby>み<ruby>慣<rt>な</rt></ruby>れた" in html
    assert "<ruby>脱炭素<rt>だつたんそ</rt></ruby>" in html


def test_unknown_code_is_a_japanese_404(client: Client, seed_plan: Any) -> None:
    response = client.get("/plan/V9/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()


def test_staff_edit_creates_version_and_diff(
    client: Client, seed_plan: Any, staff_user: Any
) -> None:
    client.force_login(staff_user)
    page = client.get("/plan/V3-4/edit/")
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        "/plan/V3-4/edit/",
        {"title": "近隣住民が相互に助け合える地域づくりの推進", "body": "", "note": "表現の修正"},
    )
    assert response.status_code == 302 and response["Location"] == "/plan/V3-4/"
    assert PlanVersion.objects.count() == 2
    assert AuditLog.objects.filter(action="plan.section.edit", actor=staff_user).count() == 1
    assert "地域づくりの推進" in client.get("/plan/V3-4/").content.decode()
    diff = client.get("/plan/versions/1/2/").content.decode()
    assert "<del>促</del>" in diff and "<ins>推</ins>" in diff
    assert "/plan/versions/1/2/" in client.get("/plan/versions/").content.decode()


def test_residents_and_visitors_cannot_edit(
    client: Client, seed_plan: Any, resident_user: Any
) -> None:
    assert client.get("/plan/V1/edit/").status_code == 302  # to the login page
    client.force_login(resident_user)
    assert client.get("/plan/V1/edit/").status_code == 403
    assert client.post("/plan/V1/edit/", {"title": "x"}).status_code == 403
    assert PlanVersion.objects.count() == 1


def test_diff_of_unknown_version_is_404(client: Client, seed_plan: Any) -> None:
    assert client.get("/plan/versions/1/7/").status_code == 404


def test_cached_page_still_has_a_working_csrf_token(seed_plan: Any) -> None:
    import re

    client = Client(enforce_csrf_checks=True)
    client.get("/plan/V1/")
    html = client.get("/plan/V1/").content.decode()  # now from the page cache
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    assert len(tokens) == 1 and "hole" not in next(iter(tokens))
    response = client.post(
        "/mode/kodomo/", {"kodomo": "1", "next": "/plan/V1/", "csrfmiddlewaretoken": tokens.pop()}
    )
    assert response.status_code == 302
    assert "<ruby>" in client.get("/plan/V1/").content.decode()


def test_edits_outside_the_service_show_at_once(client: Client, seed_plan: Any) -> None:
    from machikoe.plan.models import Section

    assert "近隣住民が相互に助け合える" in client.get("/plan/V3/").content.decode()
    section = Section.objects.get(version=seed_plan.version, code="V3-4")
    section.title = "近所どうしで助け合える地域づくり"
    section.save()  # e.g. the admin
    html = client.get("/plan/V3/").content.decode()
    assert "近所どうしで助け合える地域づくり" in html
    assert "近隣住民が相互に助け合える" not in html
