"""Japanese by default, English available (compiled catalogue shipped in the package)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client

import machikoe

pytestmark = pytest.mark.django_db


def test_compiled_catalogue_is_in_the_package() -> None:
    folder = Path(machikoe.__file__).parent / "locale" / "en" / "LC_MESSAGES"
    assert (folder / "django.po").exists() and (folder / "django.mo").exists()
    assert settings.LANGUAGE_CODE == "ja" and settings.TIME_ZONE == "Asia/Tokyo"


def test_japanese_by_default(client: Client) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="").content.decode()
    assert '<html lang="ja">' in html and "本文へ移動" in html


def test_english_when_chosen(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Skip to main content" in html and "Kids mode: off" in html


def test_browser_preference_alone_keeps_japanese(client: Client) -> None:
    html = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="ja">' in html and "Create an account (optional)" not in html


def test_english_login_page_once_chosen(client: Client) -> None:
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/login/").content.decode()
    assert "Create an account (optional)" in html
