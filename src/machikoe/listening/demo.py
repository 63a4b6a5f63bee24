"""Demo: analyse each demo consultation's opinions (fast backend) and publish the result,
so `machikoe serve --demo` shows a report at once. Idempotent: a consultation that already
has an analysis is left alone. The opinions are the participation demo's invented ones.
"""

from __future__ import annotations

from collections.abc import Callable

from machikoe.listening import services
from machikoe.listening.execution import execute
from machikoe.listening.models import AnalysisRun
from machikoe.participation.models import Consultation, Opinion

MIN_OPINIONS = 20


def load_demo(report: Callable[[str], None]) -> None:
    for consultation in Consultation.objects.order_by("id"):
        if consultation.analysis_runs.exists():
            continue
        approved = consultation.opinions.filter(status=Opinion.Status.APPROVED).count()
        if approved < MIN_OPINIONS:
            continue
        run = services.create_run(None, consultation, vectorizer="fast", enqueue=False)
        run = execute(run.pk)
        if run.status == AnalysisRun.Status.SUCCEEDED:
            services.set_published(None, run, True, system=True)
            report(
                f"広聴: 「{consultation.title}」の意見 {run.opinion_count} 件を分析し、公開しました。"
            )
        else:
            report(f"広聴: 「{consultation.title}」の分析に失敗しました: {run.message}")
