"""Optional resident sign-up: a plain account without staff rights."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_signup_creates_a_resident_and_logs_in(client: Client, django_user_model: Any) -> None:
    page = client.get("/signup/")
    assert page.status_code == 200 and "アカウントの作成" in page.content.decode()
    response = client.post(
        "/signup/",
        {
            "username": "setagaya_taro",
            "password1": "Kumin-pass-2026!",
            "password2": "Kumin-pass-2026!",
        },
    )
    assert response.status_code == 302
    user = django_user_model.objects.get(username="setagaya_taro")
    assert not user.is_staff and not user.is_superuser
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_rejects_mismatched_passwords(client: Client, django_user_model: Any) -> None:
    response = client.post(
        "/signup/", {"username": "x", "password1": "Kumin-pass-2026!", "password2": "other-2026!"}
    )
    assert response.status_code == 200
    assert not django_user_model.objects.filter(username="x").exists()


def test_login_page_links_to_signup(client: Client) -> None:
    assert 'href="/signup/"' in client.get("/login/").content.decode()
