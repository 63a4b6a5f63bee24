"""Staff pages: consultations, moderation queue, one opinion (original, masking), import
with a column-mapping step, and the export of originals (permission, audited)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from machikoe.analysis.text.pii import PiiSpan, mask_pii
from machikoe.core.errors import MachikoeError
from machikoe.core.roles import is_staff
from machikoe.participation import exporting, importing, selectors, services
from machikoe.participation.forms import ConsultationForm, MaskAddForm, ModerationForm, UploadForm
from machikoe.participation.models import HiddenReason, Opinion
from machikoe.participation.views import _consultation

View = Callable[..., HttpResponse]


def staff_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            return render(request, "participation/staff_forbidden.html", status=403)
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def index(request: HttpRequest) -> HttpResponse:
    items = [(c, c.state()) for c in selectors.consultations()]
    return render(request, "participation/staff_index.html", {"items": items})


@staff_required
@require_http_methods(["GET", "POST"])
def edit(request: HttpRequest, slug: str | None = None) -> HttpResponse:
    consultation = _consultation(slug) if slug else None
    form = ConsultationForm(request.POST or None, instance=consultation)
    if request.method == "POST" and form.is_valid():
        fields = form.cleaned_fields()
        try:
            if consultation is None:
                consultation = services.create_consultation(request.user, **fields)
            else:
                consultation.refresh_from_db()
                consultation = services.update_consultation(request.user, consultation, **fields)
        except MachikoeError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "保存しました。")
            return redirect("participation:detail", slug=consultation.slug)
    return render(
        request, "participation/staff_edit.html", {"form": form, "consultation": consultation}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def moderation(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    if request.method == "POST":
        form = ModerationForm(request.POST)
        opinion_id = request.POST.get("opinion", "")
        opinion = (
            Opinion.objects.filter(consultation=consultation, pk=int(opinion_id)).first()
            if opinion_id.isdigit()
            else None
        )
        if opinion is None:
            raise Http404("意見が見つかりません。")
        if form.is_valid():
            try:
                services.moderate(
                    request.user, opinion, form.cleaned_data["action"], form.cleaned_data["reason"]
                )
                messages.success(request, f"{opinion.receipt_number} を更新しました。")
            except MachikoeError as exc:
                messages.error(request, exc.message)
        return redirect(request.get_full_path())
    status = request.GET.get("status", Opinion.Status.PENDING)
    if status not in Opinion.Status.values:
        status = ""
    paginator = Paginator(selectors.moderation_queue(consultation, status or None), 30)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "participation/staff_moderation.html",
        {
            "consultation": consultation,
            "page": page,
            "status": status,
            "statuses": Opinion.Status.choices,
            "reasons": HiddenReason.choices,
            "reports": selectors.open_reports(consultation).count(),
        },
    )


@staff_required
@require_http_methods(["GET", "POST"])
def opinion(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    item = Opinion.objects.filter(consultation=consultation, pk=pk).first()
    if item is None:
        raise Http404("意見が見つかりません。")
    can_original = services.can_view_original(request.user)
    add_form = MaskAddForm(request.POST if request.POST.get("do") == "add" else None)
    if request.method == "POST" and can_original:
        spans = [PiiSpan.from_dict(s) for s in item.masked_spans]
        if request.POST.get("do") == "remove":
            drop = {int(i) for i in request.POST.getlist("span") if i.isdigit()}
            spans = [s for n, s in enumerate(sorted(spans)) if n not in drop]
        elif request.POST.get("do") == "add" and add_form.is_valid():
            needle = add_form.cleaned_data["text"]
            start = item.body.find(needle)
            if start < 0:
                messages.error(request, "原文にその文字列がありません。")
                return redirect(request.path)
            new = PiiSpan(start, start + len(needle), add_form.cleaned_data["category"])
            spans = [s for s in spans if s.end <= new.start or s.start >= new.end] + [new]
        else:
            return redirect(request.path)
        try:
            services.correct_masking(request.user, item, spans)
            messages.success(request, "伏せ字を修正しました。")
        except MachikoeError as exc:
            messages.error(request, exc.message)
        return redirect(request.path)
    original = None
    if request.GET.get("original") == "1":
        try:
            original = services.read_original(request.user, item, purpose="staff page")
        except MachikoeError as exc:
            messages.error(request, exc.message)
    spans = sorted(PiiSpan.from_dict(s) for s in item.masked_spans)
    return render(
        request,
        "participation/staff_opinion.html",
        {
            "consultation": consultation,
            "opinion": item,
            "original": original,
            "can_original": can_original,
            "spans": [
                (n, s, original[s.start : s.end] if original else "") for n, s in enumerate(spans)
            ],
            "add_form": add_form,
            "reports": item.reports.all(),
        },
    )


def _upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


@staff_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > importing.MAX_BYTES:
            form.add_error("file", "ファイルが大きすぎます（20 MB まで）。")
        else:
            token = secrets.token_hex(16)
            (_upload_dir() / token).write_bytes(upload_file.read())
            request.session["participation_import"] = {
                "token": token,
                "filename": upload_file.name,
                "channel": form.cleaned_data["channel"],
                "slug": slug,
            }
            return redirect("participation:staff_import_map", slug=slug)
    return render(
        request, "participation/staff_import.html", {"consultation": consultation, "form": form}
    )


@staff_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    pending = request.session.get("participation_import")
    if not pending or pending.get("slug") != slug:
        return redirect("participation:staff_import", slug=slug)
    path = _upload_dir() / pending["token"]
    if not path.exists():
        return redirect("participation:staff_import", slug=slug)
    raw = path.read_bytes()
    error = None
    try:
        table = importing.read_table(raw, pending["filename"])
    except MachikoeError as exc:
        path.unlink(missing_ok=True)
        messages.error(request, exc.message)
        return redirect("participation:staff_import", slug=slug)
    guessed = importing.auto_mapping(table.columns)
    if request.method == "POST":
        chosen = {
            column: request.POST.get(f"map-{n}", "ignore") for n, column in enumerate(table.columns)
        }
        chosen = {c: f for c, f in chosen.items() if f in importing.FIELDS}
        try:
            result = importing.import_file(
                raw,
                filename=pending["filename"],
                consultation_slug=slug,
                mapping=chosen,
                channel=pending["channel"],
                actor=request.user,
            )
        except MachikoeError as exc:
            error = exc.message
            guessed = chosen
        else:
            path.unlink(missing_ok=True)
            del request.session["participation_import"]
            messages.success(
                request,
                f"{result.created} 件を取り込みました（取り込み済みで飛ばした行 {result.skipped} 件）。",
            )
            return redirect("participation:staff_moderation", slug=slug)
    preview = [[mask_pii(cell).masked for cell in row] for row in table.rows[:3]]
    columns = [
        (
            n,
            column,
            guessed.get(column, "ignore"),
            [row[n] if n < len(row) else "" for row in preview],
        )
        for n, column in enumerate(table.columns)
    ]
    return render(
        request,
        "participation/staff_import_map.html",
        {
            "consultation": consultation,
            "columns": columns,
            "fields": importing.FIELDS.items(),
            "filename": pending["filename"],
            "encoding": table.encoding,
            "rows": len(table.rows),
            "error": error,
        },
    )


@staff_required
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """Staff export: with ?original=1 the unmasked text (permission needed, audited)."""
    consultation = _consultation(slug)
    original = request.GET.get("original") == "1"
    try:
        data, content_type = exporting.export(
            consultation, fmt, original=original, actor=request.user
        )
    except MachikoeError as exc:
        messages.error(request, exc.message)
        return redirect("participation:detail", slug=slug)
    response = HttpResponse(data, content_type=content_type)
    suffix = "-original" if original else ""
    response["Content-Disposition"] = f'attachment; filename="{slug}-opinions{suffix}.{fmt}"'
    return response
