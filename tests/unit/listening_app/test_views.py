"""Pages: who sees what, masked text only, staff forms, filters, and no N+1 queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from machikoe.core.models import AuditLog
from machikoe.listening import services
from machikoe.listening.execution import execute
from machikoe.listening.models import AnalysisRun, RunCluster, RunRow
from machikoe.participation.models import Opinion

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_settings")]

SECRET_PHONE = "090-1234-5678"
SECRET_NAME = "山田花子"


@pytest.fixture
def secret_opinion(consultation: Any) -> Opinion:
    """An opinion whose original holds personal data; only its masked text may be shown."""
    return Opinion.objects.create(
        consultation=consultation,
        receipt_number="T-SECRET",
        channel="web",
        body=f"{SECRET_NAME}です。公園に遊具を増やしてほしい。電話 {SECRET_PHONE}",
        masked_body="［氏名］です。公園に遊具を増やしてほしい。電話 ［電話番号］",
        age_band="high_school",
        district="setagaya",
        status=Opinion.Status.APPROVED,
        submitted_at=timezone.now() - timedelta(days=3),
    )


@pytest.fixture
def published(
    consultation: Any, staff: Any, make_opinions: Any, secret_opinion: Any
) -> AnalysisRun:
    make_opinions(8)
    run = execute(services.start_analysis(staff, consultation, vectorizer="fast").pk)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.message
    services.set_published(staff, run, True)
    return run


def _urls(run: AnalysisRun) -> list[str]:
    slug, n = run.consultation.slug, run.number
    topic = RunCluster.objects.filter(run=run, parent_key="").first()
    sub = RunCluster.objects.filter(run=run).exclude(parent_key="").first()
    assert topic is not None and sub is not None
    return [
        reverse("listening:index"),
        reverse("listening:consultation", args=[slug]),
        reverse("listening:report", args=[slug, n]),
        reverse("listening:report", args=[slug, n]) + "?age_band=high_school&district=setagaya",
        reverse("listening:topic", args=[slug, n, topic.key]),
        reverse("listening:topic", args=[slug, n, sub.key]) + "?youth=1",
        reverse("listening:perspective", args=[slug, n, "V4"]),
        reverse("listening:youth", args=[slug, n]),
        reverse("listening:progress", args=[slug, n]),
    ]


def test_public_pages_show_masked_text_only(client: Client, published: AnalysisRun) -> None:
    seen_mask = False
    for url in _urls(published):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert SECRET_PHONE not in html and SECRET_NAME not in html, url
        seen_mask = seen_mask or "［電話番号］" in html
    assert seen_mask
    download = client.get(reverse("listening:download", args=[published.consultation.slug, 1]))
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    body = download.content.decode()
    assert SECRET_PHONE not in body and SECRET_NAME not in body
    assert "<script" in body and "cdn" not in body.lower().split("<script", 1)[1][:200]


def test_drafts_are_staff_only(
    client: Client, consultation: Any, staff: Any, make_opinions: Any
) -> None:
    make_opinions(6)
    run = execute(services.start_analysis(staff, consultation, vectorizer="fast").pk)
    url = reverse("listening:report", args=[consultation.slug, run.number])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("listening:consultation", args=[consultation.slug])).status_code == 404
    )
    assert consultation.title not in client.get(reverse("listening:index")).content.decode()
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert "下書き" in response.content.decode()


def test_filters_change_the_counts(client: Client, published: AnalysisRun) -> None:
    url = reverse("listening:report", args=[published.consultation.slug, 1])
    everyone = client.get(url).context["topics"]
    young = client.get(url + "?youth=1").context["topics"]
    bogus = client.get(url + "?age_band=nonsense").context
    assert sum(t["count"] for t in everyone) == published.opinion_count
    expected_young = RunRow.objects.filter(run=published, youth=True).count()
    assert 0 < sum(t["count"] for t in young) == expected_young < published.opinion_count
    assert not bogus["filters"].active


def test_staff_forms_write_through_services(
    client: Client, published: AnalysisRun, staff: Any, resident: Any
) -> None:
    slug = published.consultation.slug
    topic = RunCluster.objects.filter(run=published, parent_key="").first()
    assert topic is not None
    rename = reverse("listening:rename", args=[slug, 1, topic.key])
    client.force_login(resident)
    assert client.post(rename, {"label": "乗っ取り"}).status_code == 403
    client.force_login(staff)
    response = client.post(rename, {"label": "新しい見出し"})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.label == "新しい見出し"
    row = RunRow.objects.filter(run=published).first()
    assert row is not None
    correct = reverse("listening:correct", args=[slug, 1, row.opinion_id])
    client.post(correct, {"perspectives": ["V2", "V6"]})
    row.refresh_from_db()
    assert row.perspectives == ["V2", "V6"]
    assert AuditLog.objects.filter(action="listening.correct_perspectives").exists()
    start = reverse("listening:start", args=[slug])
    response = client.post(start, {"vectorizer": "fast", "n_topics": "", "statuses": ["approved"]})
    assert response.status_code == 302
    assert AnalysisRun.objects.filter(consultation=published.consultation, number=2).exists()
    assert client.get(reverse("listening:start", args=[slug])).status_code == 405


def test_progress_fragment_for_htmx(client: Client, consultation: Any, staff: Any) -> None:
    run = services.start_analysis(staff, consultation)
    client.force_login(staff)
    url = reverse("listening:progress", args=[consultation.slug, run.number])
    page = client.get(url).content.decode()
    assert "<html" in page and 'hx-trigger="every 2s"' in page and "最新の状態に更新" in page
    fragment = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and "run-progress" in fragment
    AnalysisRun.objects.filter(pk=run.pk).update(
        status=AnalysisRun.Status.FAILED, message="失敗の理由"
    )
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    assert "失敗の理由" in done.content.decode()


def _queries(client: Client, url: str, django_assert_max_num_queries: Any) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_page_queries_do_not_grow_with_opinions(
    client: Client,
    consultation: Any,
    staff: Any,
    make_opinions: Any,
    django_assert_max_num_queries: Any,
) -> None:
    """Same number of queries for 24 and for 72 opinions (no query per row or topic)."""
    counts = []
    for per_theme in (6, 18):
        make_opinions(per_theme)
        run = execute(
            services.start_analysis(staff, consultation, vectorizer="fast", n_topics=4).pk
        )
        services.set_published(staff, run, True)
        slug, n = consultation.slug, run.number
        topic = RunCluster.objects.filter(run=run, parent_key="").first()
        assert topic is not None
        urls = [
            reverse("listening:index"),
            reverse("listening:report", args=[slug, n]),
            reverse("listening:topic", args=[slug, n, topic.key]),
            reverse("listening:perspective", args=[slug, n, "V1"]),
            reverse("listening:youth", args=[slug, n]),
        ]
        counts.append([_queries(client, u, django_assert_max_num_queries) for u in urls])
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(20):
        client.get(urls[1])


def test_opinion_hidden_after_the_analysis_is_no_longer_shown(
    client: Client, published: AnalysisRun, secret_opinion: Opinion
) -> None:
    row = RunRow.objects.get(run=published, opinion=secret_opinion)
    slug = published.consultation.slug
    topic_url = reverse("listening:topic", args=[slug, 1, row.topic])
    assert "［電話番号］" in client.get(topic_url).content.decode()
    Opinion.objects.filter(pk=secret_opinion.pk).update(status=Opinion.Status.HIDDEN)
    for url in (
        topic_url,
        reverse("listening:report", args=[slug, 1]),
        reverse("listening:youth", args=[slug, 1]),
        reverse("listening:download", args=[slug, 1]),
    ):
        assert "［電話番号］" not in client.get(url).content.decode(), url
