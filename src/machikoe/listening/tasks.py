"""Background tasks (django-tasks; by default the database backend, so a queued task
survives a server restart and needs no extra service: `machikoe serve` starts the worker,
or run `machikoe manage db_worker`).
"""

from __future__ import annotations

from django_tasks import task


@task()
def run_analysis(run_id: int) -> str:
    """Run one queued analysis; the run records its own progress, result or error."""
    from machikoe.listening.execution import execute

    return str(execute(run_id).status)


@task()
def vectorize_opinions(opinion_ids: list[int]) -> int:
    """Embed new opinions once, so the analysis at the consultation's close only clusters."""
    from machikoe.listening import vectors
    from machikoe.participation.models import Opinion

    texts = list(Opinion.objects.filter(pk__in=opinion_ids).values_list("masked_body", flat=True))
    texts = [t for t in texts if t.strip()]
    done = 0
    for name in vectors.precompute_vectorizers():
        if texts and vectors.is_cacheable(name):
            vectors.ensure(texts, name)
            done += len(texts)
    return done
