"""Pages of 広聴: published analyses for everyone, drafts and corrections for staff.

Views stay thin: reads through `selectors`, writes through `services`. Every page works
without JavaScript (filters are GET forms, progress has a refresh link); charts are drawn by
the app's static JS from `json_script` data, each next to a table with the same figures.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from machikoe.core.errors import MachikoeError
from machikoe.core.roles import is_staff
from machikoe.listening import selectors, services
from machikoe.listening.models import AnalysisRun, RunRow
from machikoe.listening.perspectives import perspective_titles
from machikoe.participation.models import Opinion


def _run_context(request: HttpRequest, run: AnalysisRun) -> dict[str, Any]:
    filters = selectors.Filters.from_query(request.GET)
    return {
        "run": run,
        "consultation": run.consultation,
        "filters": filters,
        "is_staff": is_staff(request.user),
        "perspective_titles": perspective_titles(run.consultation),
    }


def _finished_run(request: HttpRequest, slug: str, number: int) -> AnalysisRun:
    run = selectors.run_for(request.user, slug, number)
    if run.status != AnalysisRun.Status.SUCCEEDED:
        raise Http404
    return run


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "listening/index.html",
        {"items": selectors.index_consultations(request.user), "is_staff": is_staff(request.user)},
    )


def consultation(request: HttpRequest, slug: str) -> HttpResponse:
    obj, runs = selectors.consultation_for(request.user, slug)
    return render(
        request,
        "listening/consultation.html",
        {
            "consultation": obj,
            "runs": runs,
            "is_staff": is_staff(request.user),
            "vectorizers": services.VECTORIZERS,
            "statuses": Opinion.Status.choices,
        },
    )


@require_POST
def start(request: HttpRequest, slug: str) -> HttpResponse:
    if not is_staff(request.user):
        raise PermissionDenied
    obj, _ = selectors.consultation_for(request.user, slug)
    topics = request.POST.get("n_topics", "").strip()
    try:
        run = services.start_analysis(
            request.user,
            obj,
            vectorizer=request.POST.get("vectorizer", "auto"),
            n_topics=int(topics) if topics.isdigit() else None,
            statuses=request.POST.getlist("statuses") or list(services.DEFAULT_STATUSES),
        )
    except MachikoeError as exc:
        messages.error(request, exc.message)
        return HttpResponseRedirect(reverse("listening:consultation", args=[slug]))
    messages.success(request, f"第{run.number}版の分析を開始しました。")
    return HttpResponseRedirect(reverse("listening:progress", args=[slug, run.number]))


def progress(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    run = selectors.run_for(request.user, slug, number)
    template = (
        "listening/_progress.html"
        if request.headers.get("HX-Request")
        else "listening/progress.html"
    )
    response = render(request, template, {"run": run, "consultation": run.consultation})
    if run.is_finished and request.headers.get("HX-Request"):
        if run.status == AnalysisRun.Status.SUCCEEDED:
            response["HX-Redirect"] = reverse("listening:report", args=[slug, number])
        else:
            response["HX-Refresh"] = "true"
    return response


def report(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    run = selectors.run_for(request.user, slug, number)
    if run.status != AnalysisRun.Status.SUCCEEDED:
        return HttpResponseRedirect(reverse("listening:progress", args=[slug, number]))
    ctx = _run_context(request, run)
    filters = ctx["filters"]
    topics = selectors.topic_table(run, filters)
    ctx.update(
        {
            "topics": topics,
            "map": selectors.map_points(run, filters),
            "treemap": selectors.treemap_data(topics),
            "perspectives": selectors.perspective_table(run, filters),
            "significant": selectors.comparisons(run, significant_only=True)[:20],
            "duplicates": selectors.duplicate_groups(run)[:20],
            "cross_sector_count": len(run.extras.get("cross_sector", [])),
        }
    )
    return render(request, "listening/report.html", ctx)


def topic(request: HttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    run = _finished_run(request, slug, number)
    ctx = _run_context(request, run)
    filters = ctx["filters"]
    clusters = {c.key: c for c in selectors.live_clusters(run)}
    cluster = clusters.get(key)
    if cluster is None:
        raise Http404
    rows = filters.apply(RunRow.objects.filter(run=run))
    rows = rows.filter(topic=key) if cluster.is_topic else rows.filter(subtopic=key)
    parent = clusters.get(cluster.parent_key) if cluster.parent_key else None
    subtopics = [c for c in clusters.values() if c.parent_key == key]
    ctx.update(
        {
            "cluster": cluster,
            "parent": parent,
            "subtopics": subtopics,
            "count": rows.count(),
            "representatives": selectors.representatives(run, cluster, filters),
            "opinions": selectors.opinions_of(run, rows.order_by("id"), limit=100),
            "by_age": selectors.breakdown(rows, "age_band"),
            "by_district": selectors.breakdown(rows, "district"),
            "by_youth": selectors.youth_breakdown(rows),
            "comparisons": selectors.comparisons(run, topic=key),
            "targets": [c for c in clusters.values() if c.key != key],
            "merge_targets": [
                c for c in clusters.values() if c.key != key and c.is_topic == cluster.is_topic
            ],
        }
    )
    return render(request, "listening/topic.html", ctx)


def perspective(request: HttpRequest, slug: str, number: int, code: str) -> HttpResponse:
    run = _finished_run(request, slug, number)
    ctx = _run_context(request, run)
    titles = ctx["perspective_titles"]
    if code not in titles:
        raise Http404
    filters = ctx["filters"]
    rows = filters.apply(RunRow.objects.filter(run=run))
    matching = [r for r in rows.values_list("id", "perspectives") if code in (r[1] or [])]
    ids = [r[0] for r in matching]
    chosen = RunRow.objects.filter(pk__in=ids)
    labels = {c.key: c.label for c in selectors.live_clusters(run) if c.is_topic}
    by_topic = [
        {"key": k, "label": labels.get(k, k), "count": n}
        for k, n in sorted(
            _count(chosen.values_list("topic", flat=True)).items(), key=lambda kv: -kv[1]
        )
    ]
    ctx.update(
        {
            "code": code,
            "title": titles[code],
            "count": len(ids),
            "by_topic": by_topic,
            "by_youth": selectors.youth_breakdown(chosen),
            "opinions": selectors.opinions_of(run, chosen.order_by("id"), limit=50),
            "perspectives": selectors.perspective_table(run, filters),
        }
    )
    return render(request, "listening/perspective.html", ctx)


def youth(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """What children and young people said, beside everyone else."""
    run = _finished_run(request, slug, number)
    ctx = _run_context(request, run)
    youth_rows = RunRow.objects.filter(run=run, youth=True)
    young = selectors.Filters({"youth": "1"})
    others = selectors.Filters({"youth": "0"})
    other_topics = {t["cluster"].key: t for t in selectors.topic_table(run, others)}
    table = []
    for t in selectors.topic_table(run, young):
        o = other_topics.get(t["cluster"].key, {"count": 0, "share": 0.0})
        table.append(
            {
                "cluster": t["cluster"],
                "young": t["count"],
                "young_share": t["share"] if t["count"] else 0.0,
                "other": o["count"],
                "other_share": o["share"] if o["count"] else 0.0,
            }
        )
    young_p = selectors.perspective_table(run, young)
    other_p = {p["code"]: p for p in selectors.perspective_table(run, others)}
    ctx.update(
        {
            "table": table,
            "table_data": [
                {
                    "label": r["cluster"].label,
                    "young": round(100 * r["young_share"], 1),
                    "other": round(100 * r["other_share"], 1),
                }
                for r in table
            ],
            "young_total": youth_rows.count(),
            "comparisons": selectors.youth_comparisons(run),
            "opinions": selectors.opinions_of(run, youth_rows.order_by("id"), limit=50),
            "perspective_rows": [
                {
                    "code": p["code"],
                    "title": p["title"],
                    "young": p["count"],
                    "young_share": p["share"],
                    "other": other_p[p["code"]]["count"],
                    "other_share": other_p[p["code"]]["share"],
                }
                for p in young_p
            ],
        }
    )
    return render(request, "listening/youth.html", ctx)


def download(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """The self-contained HTML report (Plotly embedded, opens with no network)."""
    from machikoe.listening.export import report_html

    run = _finished_run(request, slug, number)
    html = report_html(run)
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    filename = f"listening-{run.consultation.slug}-{run.number}.html"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _count(values: Any) -> dict[str, int]:
    out: dict[str, int] = {}
    for v in values:
        out[v] = out.get(v, 0) + 1
    return out


# --- staff writes --------------------------------------------------------------------------


def _staff_run(request: HttpRequest, slug: str, number: int) -> AnalysisRun:
    if not is_staff(request.user):
        raise PermissionDenied
    return selectors.run_for(request.user, slug, number)


def _back(request: HttpRequest, default: str) -> HttpResponseRedirect:
    from django.utils.http import url_has_allowed_host_and_scheme

    target = request.POST.get("next", "")
    if not target or not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        target = default
    return HttpResponseRedirect(target)


def _do(request: HttpRequest, action: Any, ok: str) -> None:
    try:
        action()
    except MachikoeError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ok)


@require_POST
def publish(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    run = _staff_run(request, slug, number)
    publish_it = request.POST.get("published") == "1"
    _do(
        request,
        lambda: services.set_published(request.user, run, publish_it),
        "公開しました。" if publish_it else "非公開にしました。",
    )
    return HttpResponseRedirect(reverse("listening:consultation", args=[slug]))


@require_POST
def rename(request: HttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    run = _staff_run(request, slug, number)
    _do(
        request,
        lambda: services.rename_topic(request.user, run, key, request.POST.get("label", "")),
        "見出しを変更しました。",
    )
    return _back(request, reverse("listening:topic", args=[slug, number, key]))


@require_POST
def merge(request: HttpRequest, slug: str, number: int, key: str) -> HttpResponse:
    run = _staff_run(request, slug, number)
    target = request.POST.get("target", "")
    _do(request, lambda: services.merge_topics(request.user, run, key, target), "統合しました。")
    return HttpResponseRedirect(
        reverse("listening:topic", args=[slug, number, target])
        if target
        else reverse("listening:report", args=[slug, number])
    )


@require_POST
def move(request: HttpRequest, slug: str, number: int, opinion_id: int) -> HttpResponse:
    run = _staff_run(request, slug, number)
    target = request.POST.get("target", "")
    _do(
        request,
        lambda: services.move_opinion(request.user, run, opinion_id, target),
        "意見を移動しました。",
    )
    return _back(request, reverse("listening:report", args=[slug, number]))


@require_POST
def correct(request: HttpRequest, slug: str, number: int, opinion_id: int) -> HttpResponse:
    run = _staff_run(request, slug, number)
    opinion = Opinion.objects.filter(pk=opinion_id, consultation=run.consultation).first()
    if opinion is None:
        raise Http404
    codes = request.POST.getlist("perspectives")
    _do(
        request,
        lambda: services.correct_perspectives(request.user, opinion, codes, run=run),
        "視点を修正しました（次回以降の分析にも反映されます）。",
    )
    return _back(request, reverse("listening:report", args=[slug, number]))
