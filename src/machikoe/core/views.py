"""Site-wide views: home, こどもモード switch, sign-in pages, error pages, vendored JS."""

from __future__ import annotations

from pathlib import Path

import plotly
from django.contrib.auth import login
from django.contrib.auth.forms import UserCreationForm
from django.contrib.auth.models import User
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods, require_POST

from machikoe.core.middleware import KODOMO_COOKIE

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html")


@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    """Optional sign-up for residents (区民): a plain account, no staff rights."""
    if request.user.is_authenticated:
        return redirect("core:home")
    form: UserCreationForm[User] = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect("core:home")
    return render(request, "registration/signup.html", {"form": form})


@require_POST
def set_kodomo_mode(request: HttpRequest) -> HttpResponse:
    """Switch こどもモード on or off and go back; a plain form post, no JavaScript needed."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    response = HttpResponseRedirect(target)
    if request.POST.get("kodomo") == "1":
        response.set_cookie(KODOMO_COOKIE, "1", max_age=365 * 24 * 3600, samesite="Lax")
    else:
        response.delete_cookie(KODOMO_COOKIE)
    return response


@cache_control(public=True, max_age=86400)
def plotly_js(request: HttpRequest) -> FileResponse:
    """Plotly's JavaScript, served from the plotly Python package itself (no CDN)."""
    if not PLOTLY_JS.exists():  # pragma: no cover - plotly always ships it
        raise Http404
    return FileResponse(PLOTLY_JS.open("rb"), content_type="text/javascript")


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
