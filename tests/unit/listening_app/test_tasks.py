"""The background queue: tasks persist in the database (surviving a restart), the worker runs
them, and vectors computed as opinions arrive are reused by the analysis."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.db import connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from machikoe.listening import services, vectors
from machikoe.listening.models import AnalysisRun, OpinionVector
from machikoe.participation.models import Consultation
from machikoe.participation.services import OpinionInput, submit_opinion


def _worker_pass() -> None:
    """One pass of the real worker command: run everything queued, then exit."""
    call_command("db_worker", batch=True, startup_delay=False, interval=0.1, verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_queued_run_survives_a_new_connection_and_the_worker_runs_it(
    consultation: Any, staff: Any, make_opinions: Any, fast_settings: Any
) -> None:
    make_opinions(6)
    run = services.start_analysis(staff, consultation, vectorizer="fast")
    connections.close_all()  # as after a server restart: only what was committed remains
    task = DBTaskResult.objects.get(id=run.task_id)
    assert task.status == "READY"
    assert AnalysisRun.objects.get(pk=run.pk).status == AnalysisRun.Status.QUEUED

    _worker_pass()

    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.message
    assert run.opinion_count == 24
    task.refresh_from_db()
    assert task.status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_failed_start_leaves_no_task(consultation: Any, resident: Any) -> None:
    with pytest.raises(Exception):  # noqa: B017 - NotAllowed
        services.start_analysis(resident, consultation)
    assert not DBTaskResult.objects.exists()


@pytest.fixture
def open_consultation(db: Any) -> Consultation:
    now = timezone.now()
    return Consultation.objects.create(
        slug="open-one",
        title="受付中の意見募集",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
    )


QUALITY_TEXTS = [
    "公園に遊具を増やしてほしい",
    "公園の砂場をきれいにしてほしい",
    "バスの本数を増やしてほしい",
    "駅までのバスが混んでいる",
    "ごみの分別が分かりにくい",
    "資源ごみの回収日を増やしてほしい",
    "学校の給食を無償にしてほしい",
    "放課後に勉強できる場所がほしい",
]


@pytest.mark.django_db
def test_new_opinions_are_vectorised_once_in_the_background(
    open_consultation: Any,
    staff: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.LISTENING_PRECOMPUTE_VECTORIZERS = ("quality",)
    with django_capture_on_commit_callbacks(execute=True):
        opinions = [
            submit_opinion(
                open_consultation,
                OpinionInput(body=text, age_band="high_school" if i % 2 else "40s"),
                status="approved",
            )
            for i, text in enumerate(QUALITY_TEXTS * 3)
        ]
    queued = DBTaskResult.objects.filter(task_path="machikoe.listening.tasks.vectorize_opinions")
    assert queued.count() == len(opinions)
    assert not OpinionVector.objects.exists()

    from machikoe.listening.tasks import vectorize_opinions

    for task in queued:  # what the worker does, without a second process
        vectorize_opinions.call(*task.args_kwargs["args"])
    name = vectors.model_name("quality")
    assert OpinionVector.objects.filter(vectorizer=name).count() == len(QUALITY_TEXTS)
    stored = OpinionVector.objects.filter(vectorizer=name).first()
    assert stored is not None
    vec = np.frombuffer(bytes(stored.data), dtype=np.float32)
    assert vec.shape == (stored.dim,) and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3

    # the analysis reuses them: nothing new is embedded, and "auto" picks the cached backend
    before = OpinionVector.objects.count()
    run = services.start_analysis(staff, open_consultation, vectorizer="auto", enqueue=False)
    run = services.execute_run(run.pk)
    assert run.status == AnalysisRun.Status.SUCCEEDED, run.message
    assert run.vectorizer == name
    assert OpinionVector.objects.count() == before
    assert run.opinion_count == len(opinions)
