"""Platform overhead of an analysis: loading opinions from the database, storing the result,
and rendering the report pages, on top of the library's pipeline time.

Texts: the real survey answers in ../shared/data/ja/covid19-concerns-2020.jsonl, repeated
with a varying suffix to reach N (read at run time; nothing is copied into the repository).
Runs in a private SQLite database under /tmp unless DATABASE_URL is set.

    .venv/bin/python benchmarks/listening_platform_run.py [--n 20000] [--vectorizer fast]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("MACHIKOE_SHARED_DIR", ROOT.parent / "shared"))
CORPUS = SHARED / "data" / "ja" / "covid19-concerns-2020.jsonl"
SUFFIXES = ["", "。", "と感じています。", "のが心配です。", "。早く対策してほしい。", "と思う。"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--vectorizer", default="fast", choices=["fast", "quality", "auto"])
    args = parser.parse_args()

    os.environ.setdefault("MACHIKOE_DATA_DIR", tempfile.mkdtemp(prefix="mk-bench-listening-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machikoe.project.settings")
    os.environ.setdefault("MACHIKOE_INSECURE_HTTP", "1")
    import django

    django.setup()
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from machikoe.listening import services
    from machikoe.listening.execution import execute
    from machikoe.listening.models import RunCluster
    from machikoe.participation.models import Consultation, Opinion

    settings.LISTENING_PRECOMPUTE_VECTORIZERS = ()
    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)

    texts = [json.loads(line)["text"].strip() for line in CORPUS.open(encoding="utf-8")]
    texts = [t for t in texts if t]
    now = timezone.now()
    consultation = Consultation.objects.create(
        slug=f"bench-{int(time.time())}",
        title="ベンチマーク",
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
    )
    ages = ["high_school", "20s", "30s", "40s", "50s", "60s", "junior_high", "70s"]
    districts = ["setagaya", "kitazawa", "tamagawa", "kinuta", "karasuyama"]
    t0 = time.perf_counter()
    batch = []
    for i in range(args.n):
        text = texts[i % len(texts)] + SUFFIXES[(i // len(texts)) % len(SUFFIXES)]
        batch.append(
            Opinion(
                consultation=consultation,
                receipt_number=f"BENCH-{consultation.pk}-{i}",
                channel="web",
                body=text,
                masked_body=text,
                age_band=ages[i % len(ages)],
                district=districts[i % len(districts)],
                status=Opinion.Status.APPROVED,
                submitted_at=now,
            )
        )
    Opinion.objects.bulk_create(batch, batch_size=2000)
    load_s = time.perf_counter() - t0
    staff = get_user_model().objects.create_user(
        f"bench-{consultation.pk}", password="x-bench-12345", is_staff=True
    )

    run = services.start_analysis(staff, consultation, vectorizer=args.vectorizer, enqueue=False)
    t0 = time.perf_counter()
    run = execute(run.pk)
    total_s = time.perf_counter() - t0
    if run.status != "succeeded":
        sys.exit(f"run failed: {run.message}")
    pipeline_s = sum(float(v) for v in run.meta.get("timings_s", {}).values())
    services.set_published(staff, run, True)

    client = Client()
    slug = consultation.slug
    topic = RunCluster.objects.filter(run=run, parent_key="").order_by("-size").first()
    assert topic is not None
    pages = {
        "report": reverse("listening:report", args=[slug, run.number]),
        "report ?youth=1": reverse("listening:report", args=[slug, run.number]) + "?youth=1",
        "topic": reverse("listening:topic", args=[slug, run.number, topic.key]),
        "perspective V1": reverse("listening:perspective", args=[slug, run.number, "V1"]),
        "youth": reverse("listening:youth", args=[slug, run.number]),
        "download (HTML)": reverse("listening:download", args=[slug, run.number]),
    }
    from django.db import connection

    print(f"machikoe listening platform benchmark — {args.n:,} opinions, {args.vectorizer}")
    print(f"database: {connection.vendor}; corpus: {CORPUS.name} ({len(texts)} texts, varied)")
    print(f"insert opinions:            {load_s:7.2f} s")
    print(f"analysis run (execute):     {total_s:7.2f} s")
    print(f"  library pipeline stages:  {pipeline_s:7.2f} s  {run.meta.get('timings_s')}")
    print(f"  platform (load + store):  {total_s - pipeline_s:7.2f} s")
    print(f"  topics: {run.meta.get('n_topics')}, vectorizer: {run.vectorizer}")
    for name, url in pages.items():
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        ms = 1000 * (time.perf_counter() - t0)
        size = len(response.content) / 1024
        print(
            f"page {name:<18} {response.status_code}  {ms:8.0f} ms  "
            f"{len(ctx.captured_queries):3d} queries  {size:8.0f} KiB"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS):          {peak:7.0f} MiB")


if __name__ == "__main__":
    main()
