"""Security basics: CSP without inline scripts, login throttling, CSRF, secure cookies."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def test_csp_header_forbids_inline_scripts(client: Client) -> None:
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    directives = {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}
    assert directives["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]


def test_security_headers(client: Client) -> None:
    response = client.get("/")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client: Client) -> None:
    import re

    html = client.get("/").content.decode()
    for tag in re.findall(r"<script\b[^>]*>", html):
        assert "src=" in tag or "application/json" in tag, tag


@override_settings(AXES_ENABLED=True)
def test_login_is_locked_after_five_failures(client: Client, django_user_model: Any) -> None:
    django_user_model.objects.create_user("shokuin", password="right-Password-2026")
    statuses = [
        client.post("/login/", {"username": "shokuin", "password": "wrong"}).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 200, 429]  # the fifth failure locks
    locked = client.post("/login/", {"username": "shokuin", "password": "right-Password-2026"})
    assert locked.status_code == 429
    assert "ログインを一時停止しています" in locked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_works_without_lockout(client: Client, django_user_model: Any) -> None:
    django_user_model.objects.create_user("kumin", password="right-Password-2026")
    response = client.post("/login/", {"username": "kumin", "password": "right-Password-2026"})
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_csrf_is_enforced_on_forms(django_user_model: Any) -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/mode/kodomo/", {"kodomo": "1", "next": "/"})
    assert response.status_code == 403
    assert "machikoe_kodomo" not in response.cookies
    # with the token from the page's form, the same post works
    page = strict.get("/")
    token = page.context["csrf_token"]
    ok = strict.post(
        "/mode/kodomo/", {"kodomo": "1", "next": "/", "csrfmiddlewaretoken": str(token)}
    )
    assert ok.status_code == 302 and ok.cookies["machikoe_kodomo"].value == "1"


def test_csrf_on_login_and_signup_forms() -> None:
    strict = Client(enforce_csrf_checks=True)
    assert strict.post("/login/", {"username": "a", "password": "b"}).status_code == 403
    assert strict.post("/signup/", {"username": "a"}).status_code == 403


SETTINGS_PROBE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='machikoe.project.settings';"
    "from django.conf import settings as s;"
    "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, getattr(s, 'SECURE_HSTS_SECONDS', 0))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "True True 31536000"),
        ({"MACHIKOE_DEBUG": "1"}, "False False 0"),
        ({"MACHIKOE_INSECURE_HTTP": "1"}, "False False 0"),
    ],
)
def test_secure_cookies_outside_debug(tmp_path: Any, env: dict[str, str], expected: str) -> None:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MACHIKOE_")}
    clean["MACHIKOE_DATA_DIR"] = str(tmp_path)
    result = subprocess.run(
        [sys.executable, "-c", SETTINGS_PROBE],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert result.stdout.strip() == expected
