"""A per-process LRU of rendered page fragments (the `main` part of plan pages), and a
short-lived copy of "which version is current" so that a cached page needs no query.

Keys hold everything a fragment depends on — the page, こどもモード, the language, whether
the viewer is staff, and the plan version's id and `changed_at` — so an edit anywhere shows
on the next request without cross-process invalidation. The CSRF-bearing page frame
(header forms) is rendered fresh every time.

The current version is remembered for `VERSION_TTL` seconds. Saving or deleting any plan
object in this process forgets it at once (signals); other processes (gunicorn workers) see
an edit at most `VERSION_TTL` seconds later.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")
VERSION_TTL = 1.0
MAX_ENTRIES = 2048
_entries: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()


def get_or_build(key: Hashable, build: Callable[[], T]) -> T:
    with _lock:
        if key in _entries:
            _entries.move_to_end(key)
            return _entries[key]  # type: ignore[return-value]
    value = build()
    with _lock:
        _entries[key] = value
        while len(_entries) > MAX_ENTRIES:
            _entries.popitem(last=False)
    return value


def clear() -> None:
    with _lock:
        _entries.clear()
    forget_version()


_version: tuple[float, object] | None = None


def current_version(load: Callable[[], T]) -> T:
    """`load()`'s result, reused for VERSION_TTL seconds."""
    global _version
    now = time.monotonic()
    remembered = _version
    if remembered is not None and now - remembered[0] < VERSION_TTL:
        return remembered[1]  # type: ignore[return-value]
    value = load()
    _version = (now, value)
    return value


def forget_version() -> None:
    global _version
    _version = None
