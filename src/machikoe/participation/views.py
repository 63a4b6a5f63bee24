"""Public pages: consultations, the opinion form (adult and youth), receipts, opinions,
reports, statistics and the public (masked) export. Work without JavaScript."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from machikoe.core.errors import MachikoeError
from machikoe.core.middleware import KODOMO_COOKIE
from machikoe.core.roles import is_staff
from machikoe.participation import exporting, ratelimits, selectors, services
from machikoe.participation.forms import OpinionForm, ReportForm
from machikoe.participation.models import Consultation, ConsultationState


def _consultation(slug: str) -> Consultation:
    try:
        return selectors.get_consultation(slug)
    except selectors.NotFound as exc:
        raise Http404(exc.message) from exc


def section_choices(consultation: Consultation) -> list[tuple[str, str]]:
    """(code, "code title") of the sections open for comment, in plan order."""
    if consultation.plan_version_id is None:
        return [(c, c) for c in consultation.section_codes]
    from machikoe.plan import selectors as plan_selectors

    wanted = set(consultation.section_codes)
    out = []
    for root in plan_selectors.tree(consultation.plan_version):  # type: ignore[arg-type]
        for node in root.walk():
            if not wanted or node.code in wanted:
                out.append((node.code, f"{node.code} {node.section.title}"))
    return out


def _section(consultation: Consultation, code: str) -> Any:
    """The plan section a per-section form is about (shown above the form), if any."""
    if consultation.plan_version_id is None:
        return None
    from machikoe.plan import selectors as plan_selectors

    return plan_selectors.section_by_code(consultation.plan_version, code)  # type: ignore[arg-type]


def consultation_list(request: HttpRequest) -> HttpResponse:
    items = [(c, c.state()) for c in selectors.consultations()]
    return render(request, "participation/list.html", {"items": items})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    paginator = Paginator(selectors.public_opinions(consultation, include_hidden=True), 20)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "participation/detail.html",
        {
            "consultation": consultation,
            "state": consultation.state(),
            "open": consultation.state() == ConsultationState.OPEN,
            "page": page,
            "sections": section_choices(consultation),
            "staff": is_staff(request.user),
        },
    )


def _form_context(
    request: HttpRequest, consultation: Consultation, form: OpinionForm, youth: bool
) -> dict[str, Any]:
    state = consultation.state()
    context: dict[str, Any] = {
        "consultation": consultation,
        "state": state,
        "open": state == ConsultationState.OPEN and consultation.accepts(form.channel),
        "form": form,
        "youth": youth,
        "max_chars": services.MAX_BODY_CHARS,
    }
    if youth and request.COOKIES.get(KODOMO_COOKIE) != "0":
        context["kodomo"] = True  # furigana on the youth form unless switched off
    return context


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str, youth: bool = False) -> HttpResponse:
    """Input → confirmation → commit; the receipt page is shown only after the commit."""
    consultation = _consultation(slug)
    sections = section_choices(consultation)
    template = "participation/youth_form.html" if youth else "participation/form.html"
    if request.method == "GET":
        code = request.GET.get("section", "")
        form = OpinionForm(
            initial={"section_code": code},
            consultation=consultation,
            sections=sections,
            youth=youth,
        )
        context = _form_context(request, consultation, form, youth)
        context["section"] = _section(consultation, code) if code in dict(sections) else None
        return render(request, template, context)
    step = request.POST.get("step", "confirm")
    form = OpinionForm(request.POST, consultation=consultation, sections=sections, youth=youth)
    context = _form_context(request, consultation, form, youth)
    if not context["open"]:
        return render(request, template, context, status=409)
    if step == "edit":
        form = OpinionForm(
            initial=request.POST.dict(), consultation=consultation, sections=sections, youth=youth
        )
        return render(request, template, _form_context(request, consultation, form, youth))
    if not form.is_valid():
        return render(request, template, context, status=400)
    if form.cleaned_data.get("website"):
        form.add_error(None, "送信できませんでした。")
        return render(request, template, context, status=400)
    data = services.OpinionInput(
        body=form.cleaned_data["body"],
        channel=form.channel,
        section_code=form.cleaned_data.get("section_code", ""),
        age_band=form.cleaned_data.get("age_band", ""),
        district=form.cleaned_data.get("district", ""),
        relation=form.cleaned_data.get("relation", ""),
    )
    try:
        data = services.validate_opinion(consultation, data)
        if step != "commit":
            context["confirm"] = _confirmation(form, data)
            return render(request, template, context)
        ratelimits.check(request, slug)
        opinion = services.submit_opinion(
            consultation, data, client_key=ratelimits.client_key(request)
        )
    except MachikoeError as exc:
        field = exc.field if exc.field in form.fields else None
        form.add_error(field, exc.message)
        status = 429 if exc.code == "rate_limited" else 400
        return render(request, template, context, status=status)
    url = reverse("participation:receipt", args=[slug, opinion.receipt_number])
    return HttpResponseRedirect(url + ("?youth=1" if youth else ""))


def _confirmation(form: OpinionForm, data: services.OpinionInput) -> list[tuple[str, str]]:
    rows = [(str(form.fields["body"].label), data.body)]
    for name in ("section_code", "age_band", "district", "relation"):
        if name in form.fields:
            value = getattr(data, name)
            label = dict(form.fields[name].choices).get(value, value) if value else "（選ばない）"  # type: ignore[attr-defined]
            rows.append((str(form.fields[name].label), str(label)))
    return rows


def youth_submit(request: HttpRequest, slug: str) -> HttpResponse:
    return submit(request, slug, youth=True)


def receipt(request: HttpRequest, slug: str, number: str) -> HttpResponse:
    consultation = _consultation(slug)
    opinion = selectors.opinion_by_receipt(consultation, number)
    if opinion is None:
        raise Http404("受付番号が見つかりません。")
    youth = request.GET.get("youth") == "1"
    context: dict[str, Any] = {"consultation": consultation, "opinion": opinion, "youth": youth}
    if youth and request.COOKIES.get(KODOMO_COOKIE) != "0":
        context["kodomo"] = True
    return render(request, "participation/receipt.html", context)


@require_http_methods(["GET", "POST"])
def report(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    consultation = _consultation(slug)
    try:
        opinion = selectors.public_opinion(consultation, pk)
    except selectors.NotFound as exc:
        raise Http404(exc.message) from exc
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ratelimits.check(request, f"report:{slug}")
        except MachikoeError as exc:
            form.add_error(None, exc.message)
            return render(
                request,
                "participation/report.html",
                {"consultation": consultation, "opinion": opinion, "form": form},
                status=429,
            )
        services.report_opinion(
            opinion,
            form.cleaned_data["reason"],
            form.cleaned_data.get("note", ""),
            client_key=ratelimits.client_key(request),
        )
        messages.success(request, "通報を受け付けました。職員が確認します。")
        return redirect("participation:detail", slug=slug)
    return render(
        request,
        "participation/report.html",
        {"consultation": consultation, "opinion": opinion, "form": form},
    )


def stats(request: HttpRequest, slug: str) -> HttpResponse:
    consultation = _consultation(slug)
    data = selectors.statistics(consultation)
    return render(
        request,
        "participation/stats.html",
        {
            "consultation": consultation,
            "stats": data,
            "youth_percent": round(data["youth_share"] * 100, 1),
            "staff": is_staff(request.user),
        },
    )


def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """The open-data export: masked text, hidden opinions as 非公開（理由）."""
    consultation = _consultation(slug)
    try:
        data, content_type = exporting.export(consultation, fmt)
    except MachikoeError as exc:
        raise Http404(exc.message) from exc
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{slug}-opinions.{fmt}"'
    return response
