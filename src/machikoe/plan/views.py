"""Plan pages: overview, one page per section, glossary, versions and their differences,
and the staff edit form. Views stay thin: reads via selectors, writes via services."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from machikoe.core.errors import MachikoeError
from machikoe.core.roles import is_staff
from machikoe.plan import diffing, page_cache, selectors, services
from machikoe.plan.models import Plan, PlanVersion


def _current() -> tuple[Plan, PlanVersion]:
    version = selectors.current_version()
    if version is None:
        raise Http404("計画がまだ読み込まれていません")
    return version.plan, version


@dataclass(frozen=True)
class Fragment:
    title: str
    html: SafeString


def _cached_page(
    request: HttpRequest,
    key: tuple[object, ...],
    build: Callable[[Plan, PlanVersion, bool], tuple[str, str, dict[str, Any]] | None],
) -> HttpResponse:
    """Render a public plan page whose main part comes from the fragment cache.

    No query for a cached page (the current version is remembered for a second); the
    fragment is rebuilt only when the version, its content (`changed_at`), the mode, the
    language or the viewer's role change.
    """
    version = page_cache.current_version(selectors.current_version)
    if version is None:
        raise Http404("計画がまだ読み込まれていません")
    plan = version.plan
    can_edit = is_staff(request.user)
    kodomo = bool(getattr(request, "kodomo", False))
    full_key = (*key, kodomo, get_language(), can_edit, version.pk, version.changed_at)

    def render_fragment() -> Fragment | None:
        built = build(plan, version, can_edit)
        if built is None:
            return None
        title, template, context = built
        context = {"plan": plan, "version": version, "can_edit": can_edit, **context}
        html = render_to_string(template, context, request=request)
        return Fragment(title, mark_safe(html))

    fragment = page_cache.get_or_build(full_key, render_fragment)
    if fragment is None:
        raise Http404("ページが見つかりません")
    context = {"page_title": fragment.title, "fragment": fragment.html}
    if not _plain_visitor(request):
        return render(request, "plan/page.html", context)

    # A visitor with no session and no pending messages gets the whole page from the
    # cache; only the CSRF token of the header forms is filled in per request.
    def render_page() -> str:
        return render_to_string(
            "plan/page.html", {**context, "csrf_token": _TOKEN_HOLE}, request=request
        )

    page = page_cache.get_or_build(("page", *full_key, request.get_full_path()), render_page)
    return HttpResponse(page.replace(_TOKEN_HOLE, get_token(request)))


_TOKEN_HOLE = "__machikoe_csrf_token_hole__"


def _plain_visitor(request: HttpRequest) -> bool:
    """No session cookie (so not signed in) and no flash messages waiting."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and (
        "messages" not in request.COOKIES
    )


def overview(request: HttpRequest) -> HttpResponse:
    def build(plan: Plan, version: PlanVersion, can_edit: bool) -> tuple[str, str, dict[str, Any]]:
        return plan.title, "plan/fragments/overview.html", {"roots": selectors.tree(version)}

    return _cached_page(request, ("overview",), build)


def section(request: HttpRequest, code: str) -> HttpResponse:
    def build(
        plan: Plan, version: PlanVersion, can_edit: bool
    ) -> tuple[str, str, dict[str, Any]] | None:
        roots = selectors.tree(version)
        node = selectors.find_node(roots, code)
        if node is None:
            return None
        context = {
            "node": node,
            "section": node.section,
            "trail": selectors.ancestors(roots, code),
        }
        return f"{code} {node.section.title}", "plan/fragments/section.html", context

    return _cached_page(request, ("section", code), build)


def glossary(request: HttpRequest) -> HttpResponse:
    def build(plan: Plan, version: PlanVersion, can_edit: bool) -> tuple[str, str, dict[str, Any]]:
        terms = list(selectors.glossary(version))
        return str(_("用語解説")), "plan/fragments/glossary.html", {"terms": terms}

    return _cached_page(request, ("glossary",), build)


def readability_method(request: HttpRequest) -> HttpResponse:
    return render(request, "plan/readability.html")


def versions(request: HttpRequest) -> HttpResponse:
    plan, version = _current()
    return render(
        request,
        "plan/versions.html",
        {"plan": plan, "version": version, "versions": list(selectors.versions(plan))},
    )


def diff(request: HttpRequest, old: int, new: int) -> HttpResponse:
    plan, _version = _current()
    old_version = selectors.version_by_number(plan, old)
    new_version = selectors.version_by_number(plan, new)
    if old_version is None or new_version is None:
        raise Http404("その版はありません")
    changes = diffing.compare(old_version, new_version)
    rows = [
        {
            "code": c.code,
            "status": c.status,
            "status_label": c.status_label,
            "title_html": mark_safe(c.title_html),  # built from escaped text only
            "body_html": mark_safe(c.body_html),
        }
        for c in changes
    ]
    return render(
        request,
        "plan/diff.html",
        {
            "plan": plan,
            "old": old_version,
            "new": new_version,
            "rows": rows,
            "versions": list(selectors.versions(plan)),
        },
    )


class SectionForm(forms.Form):
    title = forms.CharField(label=_("見出し"), max_length=300)
    body = forms.CharField(
        label=_("本文"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )
    note = forms.CharField(label=_("変更内容のメモ"), max_length=500, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def edit_section(request: HttpRequest, code: str) -> HttpResponse:
    if not is_staff(request.user):
        raise PermissionDenied
    plan, version = _current()
    current = selectors.section_by_code(version, code)
    if current is None:
        raise Http404(f"節「{code}」はありません")
    form = SectionForm(request.POST or None, initial={"title": current.title, "body": current.body})
    if request.method == "POST" and form.is_valid():
        try:
            new_version = services.edit_section(
                request.user,
                version,
                code,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                note=form.cleaned_data["note"],
            )
        except MachikoeError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{new_version.label}として保存しました。")
            return redirect("plan:section", code=code)
    return render(
        request,
        "plan/edit.html",
        {"plan": plan, "version": version, "section": current, "form": form},
    )
