from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "site_name": "まちの声",
        "kodomo": getattr(request, "kodomo", False),
    }
