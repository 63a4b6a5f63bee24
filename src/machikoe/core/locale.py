"""Language choice: Japanese unless the visitor chose English with the language switch.

Django's LocaleMiddleware also follows the browser's Accept-Language header; a ward's site
stays Japanese for everyone by default (many residents' phones and the ward's own PCs are
set to English without their users wanting an English site), and English is an explicit
choice remembered in the language cookie.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers


def chosen_language(request: HttpRequest) -> str:
    """The language from the language cookie when it is one we offer, else the default."""
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    offered = {code for code, _name in settings.LANGUAGES}
    return cookie if cookie in offered else settings.LANGUAGE_CODE


class ChosenLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = chosen_language(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        translation.deactivate()
        return response
