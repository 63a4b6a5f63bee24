"""こどもモード: remembered per visitor in a cookie, exposed as `request.kodomo`.

The middleware also opens the per-request glossary scope used by `{% jtext %}`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

KODOMO_COOKIE = "machikoe_kodomo"


class KodomoModeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.kodomo = request.COOKIES.get(KODOMO_COOKIE) == "1"  # type: ignore[attr-defined]
        from machikoe.plan.presentation import request_scope

        # Every {% jtext %} on this request shares one read of the glossary.
        with request_scope():
            return self.get_response(request)
