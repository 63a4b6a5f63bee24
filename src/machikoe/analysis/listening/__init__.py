"""Broad listening (広聴): tens of thousands of Japanese opinions understood offline.

    from machikoe.analysis.listening import Document, ListeningConfig, run_pipeline
    result = run_pipeline([Document("1", "公園を増やしてほしい", {"age_band": "high_school"})],
                          ListeningConfig(vectorizer="fast"))
    result.to_dict()  # {"rows": [...], "clusters": [...], "duplicate_groups": [...], ...}

Stages (normaliser, splitter, deduper, vectoriser, clusterer, labeler, classifier, mapper)
are chosen by registered name in `ListeningConfig`; `stages()` lists them. No Django here.
"""

from __future__ import annotations

from .classify import CLASSIFIERS, spec_text
from .cluster import CLUSTERERS
from .compare import COMPARERS
from .config import YOUTH_AGE_BANDS, ListeningConfig
from .dedupe import DEDUPERS
from .label import LABELERS
from .mapping import MAPPERS
from .normalize import NORMALIZERS, clean_text
from .pipeline import STAGES, plan_vectorizer, run_pipeline
from .registry import Registry
from .split import SPLITTERS
from .types import (
    Cluster,
    Comparison,
    Document,
    DuplicateGroup,
    ListeningResult,
    PerspectiveSpec,
    Point,
    Row,
)
from .vectorize import VECTORIZERS, Vectorizer, VectorizerChoice, choose_vectorizer, get_vectorizer


def stages() -> dict[str, list[str]]:
    """Registered names of every kind of stage (for configuration help and validation)."""
    return {
        "normalizer": NORMALIZERS.names(),
        "splitter": SPLITTERS.names(),
        "deduper": DEDUPERS.names(),
        "vectorizer": [*VECTORIZERS.names(), "auto"],
        "clusterer": CLUSTERERS.names(),
        "labeler": LABELERS.names(),
        "classifier": CLASSIFIERS.names(),
        "comparer": COMPARERS.names(),
        "mapper": MAPPERS.names(),
    }


__all__ = [
    "STAGES",
    "YOUTH_AGE_BANDS",
    "Cluster",
    "Comparison",
    "Document",
    "DuplicateGroup",
    "ListeningConfig",
    "ListeningResult",
    "PerspectiveSpec",
    "Point",
    "Registry",
    "Row",
    "Vectorizer",
    "VectorizerChoice",
    "choose_vectorizer",
    "clean_text",
    "get_vectorizer",
    "plan_vectorizer",
    "run_pipeline",
    "spec_text",
    "stages",
]
