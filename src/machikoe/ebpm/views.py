"""EBPM pages: the public dashboard, an indicator's page, the logic model, exports, staff CRUD.

Views stay thin: reads through selectors, writes through services.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from machikoe.analysis.ebpm import (
    PRESETS,
    UNSUPPORTED_SCHEMES,
    GradingScheme,
    Status,
)
from machikoe.analysis.ebpm.formulas import FORMULAS
from machikoe.core.errors import ImportFailed, ValidationFailed
from machikoe.core.roles import is_staff
from machikoe.ebpm import evidence, reports, selectors, services
from machikoe.ebpm.forms import ImportForm, IndicatorForm, MeasureForm, ObservationForm
from machikoe.ebpm.models import Indicator, Measure, Observation

MIN_YEAR, MAX_YEAR = 1900, 2200


def _options(request: HttpRequest) -> tuple[int, GradingScheme]:
    """The evaluation year and grading scheme chosen on the page (GET), with safe defaults."""
    this_year = _dt.date.today().year
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if not MIN_YEAR <= year <= MAX_YEAR:
        year = this_year
    scheme = PRESETS.get(request.GET.get("scheme", "")) or selectors.configured_scheme()
    return year, scheme


def _common(request: HttpRequest) -> dict[str, Any]:
    year, scheme = _options(request)
    return {
        "year": year,
        "scheme": scheme,
        "schemes": list(PRESETS.values()),
        "unsupported_schemes": UNSUPPORTED_SCHEMES,
        "formulas": FORMULAS,
        "thresholds": selectors.configured_thresholds(),
        "is_staff": is_staff(request.user),
        "query": request.GET.urlencode(),
    }


def dashboard(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    sections = selectors.plan_sections()
    views = selectors.evaluated(year=context["year"], scheme=context["scheme"], sections=sections)
    groups = selectors.grouped(views, sections)
    voices = evidence.for_perspectives((g.code for g in groups), request.user)
    for group in groups:
        group.evidence = voices.get(group.code)
    context.update(
        groups=groups,
        totals=selectors.status_totals(views),
        figures={f"fig-{v.indicator.pk}": v.figure() for v in views},
        any_illustrative=any(v.indicator.illustrative for v in views),
        indicator_count=len(views),
        statuses=list(Status),
    )
    return render(request, "ebpm/dashboard.html", context)


def indicator_detail(request: HttpRequest, pk: int) -> HttpResponse:
    context = _common(request)
    queryset = selectors.indicators().filter(pk=pk)
    sections = selectors.plan_sections()
    views = selectors.evaluated(
        year=context["year"], scheme=context["scheme"], queryset=queryset, sections=sections
    )
    if not views:
        raise Http404
    view = views[0]
    context.update(
        view=view,
        figures={f"fig-{view.indicator.pk}": view.figure()},
        history=selectors.observation_history(view.indicator),
        section=sections.get(view.indicator.section_code),
        perspective=sections.get(view.perspective),
        evidence=evidence.for_perspective(view.perspective, request.user),
    )
    return render(request, "ebpm/indicator.html", context)


def logic_model(request: HttpRequest) -> HttpResponse:
    context = _common(request)
    sections = selectors.plan_sections()
    model = selectors.logic_model(sections)
    found = evidence.for_perspectives((g["perspective"].code for g in model.groups), request.user)
    for group in model.groups:
        group["evidence"] = found.get(group["perspective"].code) or evidence.Evidence(code="")
    context.update(model=model)
    return render(request, "ebpm/logic_model.html", context)


def export_csv(request: HttpRequest) -> HttpResponse:
    year, scheme = _options(request)
    views = selectors.evaluated(year=year, scheme=scheme)
    response = HttpResponse(reports.evaluation_csv(views), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ebpm-evaluation-{year}.csv"'
    return response


def export_report(request: HttpRequest) -> HttpResponse:
    year, scheme = _options(request)
    html = reports.council_report_html(year=year, scheme=scheme)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ebpm-report-{year}.html"'
    return response


# ----------------------------------------------------------------------------- staff


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_staff(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@staff_required
def manage(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "ebpm/manage.html",
        {
            "indicators": Indicator.objects.order_by("section_code", "order", "code"),
            "measures": Measure.objects.prefetch_related("indicators").order_by(
                "section_code", "code"
            ),
            "import_form": ImportForm(),
        },
    )


def _indicator_data(form: IndicatorForm) -> dict[str, Any]:
    return {k: v for k, v in form.cleaned_data.items() if k != "milestones_text"}


@staff_required
def indicator_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk) if pk else None
    form = IndicatorForm(request.POST or None, instance=indicator or Indicator())
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_indicator(
                request.user,
                _indicator_data(form),
                indicator=indicator,
                milestones=form.cleaned_data["milestones_text"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, f"指標「{saved.name}」を保存しました。")
            return redirect("ebpm:indicator", pk=saved.pk)
    return render(request, "ebpm/form.html", {"form": form, "object": indicator, "kind": "指標"})


@staff_required
def indicator_delete(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    if request.method == "POST":
        services.delete_indicator(request.user, indicator)
        messages.success(request, f"指標「{indicator.name}」を削除しました。")
        return redirect("ebpm:manage")
    return render(request, "ebpm/confirm_delete.html", {"object": indicator, "kind": "指標"})


@staff_required
def observation_add(request: HttpRequest, pk: int) -> HttpResponse:
    indicator = get_object_or_404(Indicator, pk=pk)
    form = ObservationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_observation(
                request.user,
                indicator,
                year=data["year"],
                month=data["month"] or 0,
                value=data["value"],
                source=data["source"],
                published_on=data["published_on"],
                note=data["note"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "観測値を登録しました（同じ年の値があれば改定として記録）。")
            return redirect("ebpm:indicator", pk=indicator.pk)
    return render(
        request,
        "ebpm/form.html",
        {"form": form, "object": None, "kind": "観測値", "indicator": indicator},
    )


@staff_required
@require_POST
def observation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    observation = get_object_or_404(Observation, pk=pk, is_current=True)
    services.withdraw_observation(request.user, observation)
    messages.success(request, "観測値を取り下げました（履歴には残ります）。")
    return redirect("ebpm:indicator", pk=observation.indicator_id)


@staff_required
def measure_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk) if pk else None
    form = MeasureForm(request.POST or None, instance=measure or Measure())
    if request.method == "POST" and form.is_valid():
        data = {
            k: v for k, v in form.cleaned_data.items() if k not in {"indicators", "outputs_text"}
        }
        try:
            services.save_measure(
                request.user,
                data,
                measure=measure,
                indicators=form.cleaned_data["indicators"],
                outputs=form.cleaned_data["outputs_text"],
            )
        except ValidationFailed as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, "施策・事業を保存しました。")
            return redirect("ebpm:logic_model")
    return render(
        request, "ebpm/form.html", {"form": form, "object": measure, "kind": "施策・事業"}
    )


@staff_required
def measure_delete(request: HttpRequest, pk: int) -> HttpResponse:
    measure = get_object_or_404(Measure, pk=pk)
    if request.method == "POST":
        services.delete_measure(request.user, measure)
        messages.success(request, f"施策・事業「{measure.name}」を削除しました。")
        return redirect("ebpm:manage")
    return render(request, "ebpm/confirm_delete.html", {"object": measure, "kind": "施策・事業"})


@staff_required
@require_POST
def import_upload(request: HttpRequest) -> HttpResponse:
    form = ImportForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.import_file(
                upload.read(),
                upload.name,
                layout=form.cleaned_data["layout"],
                municipality=form.cleaned_data["municipality"],
                allow_revisions=form.cleaned_data["revisions"],
                actor=request.user,
            )
        except ImportFailed as exc:
            messages.error(request, f"取り込めませんでした（何も登録していません）: {exc.message}")
        else:
            messages.success(
                request,
                f"{upload.name} を取り込みました（形式 {result.layout}）: 指標 新規 {result.indicators_created}・"
                f"更新 {result.indicators_updated}、観測値 新規 {result.observations_created}・"
                f"改定 {result.observations_revised}・変更なし {result.observations_unchanged}",
            )
    else:
        messages.error(request, "ファイルを選んでください。")
    return redirect(reverse("ebpm:manage"))
