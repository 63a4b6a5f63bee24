"""Pages: list, one-statement-at-a-time voting (plain forms), live results, staff tools."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from machikoe.core.errors import MachikoeError
from machikoe.core.roles import is_staff
from machikoe.deliberation import identity, limits, selectors, services
from machikoe.deliberation.forms import AttributesForm, ImportForm, SeedForm, StatementForm
from machikoe.deliberation.models import Conversation, Statement


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "deliberation/index.html",
        {
            "conversations": selectors.conversations(),
            "is_staff": is_staff(request.user),
        },
    )


def _conversation(slug: str) -> Conversation:
    return get_object_or_404(Conversation, slug=slug)


def conversation(request: HttpRequest, slug: str) -> HttpResponse:
    """The voting page: the question, one statement, three buttons; works without JS."""
    conv = _conversation(slug)
    participant = identity.current_participant(request, conv)
    statement = selectors.next_statement(conv, participant)
    voted, total = selectors.progress(conv, participant)
    return render(
        request,
        "deliberation/conversation.html",
        {
            "conversation": conv,
            "statement": statement,
            "voted": voted,
            "total": total,
            "statement_form": StatementForm(),
            "attributes_form": AttributesForm(
                initial={
                    "age_band": getattr(participant, "age_band", ""),
                    "district": getattr(participant, "district", ""),
                }
            ),
            "participant": participant,
        },
    )


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    participant = identity.current_participant(request, conv, create=True)
    assert participant is not None
    response = HttpResponseRedirect(
        reverse("deliberation:conversation", args=[conv.slug]) + "#statement"
    )
    try:
        number = int(request.POST.get("statement", ""))
        value = int(request.POST.get("vote", ""))
    except ValueError:
        messages.error(request, "投票の内容が正しくありません。")
        return response
    try:
        limits.check(request, "vote", f"p{participant.pk}")
        services.cast_vote(conv, participant, number, value)
    except MachikoeError as exc:
        messages.error(request, exc.message)
    identity.remember(response, conv, participant)
    return response


@require_POST
def add_statement(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    participant = identity.current_participant(request, conv, create=True)
    assert participant is not None
    form = StatementForm(request.POST)
    response = HttpResponseRedirect(reverse("deliberation:conversation", args=[conv.slug]))
    if form.is_valid():
        try:
            limits.check(request, "statement", f"p{participant.pk}")
            services.submit_statement(conv, participant, form.cleaned_data["text"])
            messages.success(
                request, "意見を受け付けました。職員が確認したあと、みんなの投票に加わります。"
            )
        except MachikoeError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, "意見を入力してください（300 文字以内）。")
    identity.remember(response, conv, participant)
    return response


@require_POST
def attributes(request: HttpRequest, slug: str) -> HttpResponse:
    conv = _conversation(slug)
    participant = identity.current_participant(request, conv, create=True)
    assert participant is not None
    form = AttributesForm(request.POST)
    if form.is_valid():
        services.set_attributes(participant, **form.cleaned_data)
        messages.success(request, "ありがとうございます。")
    response = HttpResponseRedirect(reverse("deliberation:conversation", args=[conv.slug]))
    identity.remember(response, conv, participant)
    return response


def _results_context(request: HttpRequest, conv: Conversation) -> dict[str, object]:
    participant = identity.current_participant(request, conv)
    result = services.analysis_for(conv)
    view = selectors.results_view(conv, result, participant)
    return {"conversation": conv, "results": view, "map_data": view["map"]}


def results(request: HttpRequest, slug: str) -> HttpResponse:
    """Live results: map of groups and tables; the static JS refreshes the live part."""
    conv = _conversation(slug)
    return render(request, "deliberation/results.html", _results_context(request, conv))


def results_live(request: HttpRequest, slug: str) -> HttpResponse:
    """The live part of the results page alone (fetched by the poller)."""
    conv = _conversation(slug)
    return render(request, "deliberation/_results_live.html", _results_context(request, conv))


# -- staff ------------------------------------------------------------------------------


def _require_staff(request: HttpRequest) -> None:
    if not is_staff(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest, slug: str) -> HttpResponse:
    """Moderation and seed statements for one conversation (staff)."""
    _require_staff(request)
    conv = _conversation(slug)
    form = SeedForm(request.POST or None)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "seed" and form.is_valid():
                services.add_seed_statement(
                    conv,
                    request.user,
                    form.cleaned_data["text"],
                    is_meta=form.cleaned_data["is_meta"],
                )
                messages.success(request, "意見を追加しました。")
            elif action in {"approve", "reject"}:
                st = get_object_or_404(
                    Statement, conversation=conv, number=int(request.POST.get("number", "-1"))
                )
                services.moderate_statement(st, request.user, 1 if action == "approve" else -1)
                messages.success(request, "状態を変更しました。")
        except MachikoeError as exc:
            messages.error(request, exc.message)
        return redirect("deliberation:manage", slug=conv.slug)
    return render(
        request,
        "deliberation/manage.html",
        {
            "conversation": conv,
            "form": form,
            "pending": conv.statements.filter(status=Statement.Status.PENDING).order_by("number"),
            "statements": conv.statements.exclude(status=Statement.Status.PENDING).order_by(
                "number"
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_polis(request: HttpRequest) -> HttpResponse:
    """Staff import a Polis export (zip) into a new conversation; all or nothing."""
    _require_staff(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "polis.zip"
            with path.open("wb") as out:
                for chunk in form.cleaned_data["archive"].chunks():
                    out.write(chunk)
            try:
                conv = services.import_polis(
                    path,
                    request.user,
                    slug=form.cleaned_data["slug"],
                    title=form.cleaned_data["title"],
                    question=form.cleaned_data["question"],
                )
            except MachikoeError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "取り込みました。")
                return redirect("deliberation:results", slug=conv.slug)
    return render(request, "deliberation/import.html", {"form": form})


@login_required
def export_polis(request: HttpRequest, slug: str) -> HttpResponse:
    """Download the conversation in Polis' export format (zip, masked texts)."""
    _require_staff(request)
    conv = _conversation(slug)
    buffer = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        folder = services.export_polis(conv, Path(tmp) / conv.slug, request.user)
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for file in sorted(folder.iterdir()):
                archive.write(file, f"{conv.slug}/{file.name}")
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{conv.slug}-polis.zip"'
    return response
