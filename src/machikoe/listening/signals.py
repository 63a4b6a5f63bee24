"""Vectors as opinions arrive: the participation app's `opinion_created` (sent after the
commit) and `opinion_masking_changed` queue the new text's embedding on the task worker.

Opinions that arrive some other way (e.g. a bulk import that sends no signal) are embedded
when the analysis starts, so a missed signal costs time, never correctness.
"""

from __future__ import annotations

from typing import Any

from machikoe.participation.models import Opinion
from machikoe.participation.signals import opinion_created, opinion_masking_changed


def queue_vectors(opinion_ids: list[int]) -> None:
    """Queue embedding of these opinions on the background worker."""
    from machikoe.listening.tasks import vectorize_opinions
    from machikoe.listening.vectors import precompute_vectorizers

    if opinion_ids and precompute_vectorizers():
        vectorize_opinions.enqueue(list(opinion_ids))


def on_opinion(sender: Any, opinion: Opinion, **kwargs: Any) -> None:
    queue_vectors([opinion.pk])


def connect() -> None:
    opinion_created.connect(on_opinion, sender=Opinion, dispatch_uid="listening.vectorise")
    opinion_masking_changed.connect(
        on_opinion, sender=Opinion, dispatch_uid="listening.vectorise_masking"
    )
