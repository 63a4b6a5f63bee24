"""Signals other apps subscribe to.

`opinion_created` is sent once per new opinion AFTER its transaction commits (so a receiver
never sees an opinion that could still be rolled back), with `sender=Opinion` and
`opinion=<Opinion>`. The listening app connects to it to vectorise opinions in the
background, e.g.::

    from machikoe.participation.signals import opinion_created
    opinion_created.connect(enqueue_vectorise, dispatch_uid="listening.vectorise")

Receivers must be quick (enqueue a task); they run inside the request that submitted.
"""

from __future__ import annotations

from django.dispatch import Signal

opinion_created = Signal()
opinion_masking_changed = Signal()
