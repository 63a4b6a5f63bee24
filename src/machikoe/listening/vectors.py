"""The vector cache: each text embedded once per vectorizer, stored as float32 bytes.

Only vectorizers whose output for a text does not depend on the rest of the corpus can be
cached this way (a pre-trained model, not an LSA fitted on the run's documents); the library
says which through `Vectorizer.stateless`. Rows are keyed by the vectorizer's versioned
`name` (e.g. "quality-e5-small-q4-v1"), so a new model version never reuses old vectors.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from django.conf import settings
from django.db import IntegrityError, transaction

from machikoe.listening.models import OpinionVector

BATCH = 64
_lock = threading.Lock()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def precompute_vectorizers() -> tuple[str, ...]:
    """Vectorizers computed as opinions arrive (setting `LISTENING_PRECOMPUTE_VECTORIZERS`)."""
    return tuple(getattr(settings, "LISTENING_PRECOMPUTE_VECTORIZERS", ("quality",)))


@lru_cache(maxsize=4)
def vectorizer(name: str) -> Any:
    """One instance per process: loading a model is the slow part, not using it."""
    from machikoe.analysis.listening import get_vectorizer

    return get_vectorizer(name)


def is_cacheable(name: str) -> bool:
    try:
        return bool(getattr(vectorizer(name), "stateless", False))
    except Exception:  # an optional backend that is not installed is simply not cached
        return False


def model_name(name: str) -> str:
    """The versioned name vectors are stored under."""
    return str(getattr(vectorizer(name), "name", name))


def load(texts: Sequence[str], name: str) -> dict[str, np.ndarray]:
    """Cached vectors of these texts, by text hash (missing ones are absent)."""
    hashes = sorted({text_hash(t) for t in texts})
    key = model_name(name)
    found: dict[str, np.ndarray] = {}
    for start in range(0, len(hashes), 500):
        chunk = hashes[start : start + 500]
        for h, dim, data in OpinionVector.objects.filter(
            vectorizer=key, text_hash__in=chunk
        ).values_list("text_hash", "dim", "data"):
            vec = np.frombuffer(bytes(data), dtype=np.float32)
            if vec.shape[0] == dim:
                found[h] = vec
    return found


def ensure(
    texts: Sequence[str],
    name: str,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """Vectors of `texts` (rows aligned), computing and storing only those not cached yet."""
    cached = load(texts, name)
    missing = list(dict.fromkeys(t for t in texts if text_hash(t) not in cached))
    total = len(missing)
    if missing:
        vec = vectorizer(name)
        for start in range(0, total, BATCH):
            chunk = missing[start : start + BATCH]
            with _lock:
                matrix = np.asarray(vec.transform(chunk), dtype=np.float32)
            store(chunk, matrix, name)
            for text, row in zip(chunk, matrix, strict=True):
                cached[text_hash(text)] = row
            if progress is not None:
                progress(min(start + BATCH, total), total)
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    return np.vstack([cached[text_hash(t)] for t in texts]).astype(np.float32, copy=False)


def store(texts: Sequence[str], matrix: np.ndarray, name: str) -> None:
    """Save vectors, ignoring ones another worker stored meanwhile."""
    key = model_name(name)
    objs = [
        OpinionVector(
            text_hash=text_hash(t),
            vectorizer=key,
            dim=int(row.shape[0]),
            data=np.ascontiguousarray(row, dtype=np.float32).tobytes(),
        )
        for t, row in zip(texts, matrix, strict=True)
    ]
    try:
        with transaction.atomic():
            OpinionVector.objects.bulk_create(objs, ignore_conflicts=True)
    except IntegrityError:  # pragma: no cover - ignore_conflicts covers both databases
        pass
