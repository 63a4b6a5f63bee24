"""Plan pages: overview, one page per section, glossary, versions and their differences,
and the staff edit form. Views stay thin: reads via selectors, writes via services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from machikoe.core.errors import MachikoeError
from machikoe.core.roles import is_staff
from machikoe.plan import diffing, selectors, services
from machikoe.plan.models import Plan, PlanVersion


def _current() -> tuple[Plan, PlanVersion]:
    version = selectors.current_version()
    if version is None:
        raise Http404("計画がまだ読み込まれていません")
    return version.plan, version


def overview(request: HttpRequest) -> HttpResponse:
    plan, version = _current()
    roots = selectors.tree(version)
    return render(
        request,
        "plan/overview.html",
        {"plan": plan, "version": version, "roots": roots, "can_edit": is_staff(request.user)},
    )


def section(request: HttpRequest, code: str) -> HttpResponse:
    plan, version = _current()
    roots = selectors.tree(version)
    node = selectors.find_node(roots, code)
    if node is None:
        raise Http404(f"節「{code}」はありません")
    return render(
        request,
        "plan/section.html",
        {
            "plan": plan,
            "version": version,
            "node": node,
            "section": node.section,
            "trail": selectors.ancestors(roots, code),
            "can_edit": is_staff(request.user),
        },
    )


def glossary(request: HttpRequest) -> HttpResponse:
    plan, version = _current()
    return render(
        request,
        "plan/glossary.html",
        {"plan": plan, "version": version, "terms": selectors.glossary(version)},
    )


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
