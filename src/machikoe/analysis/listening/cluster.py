"""Clusterers: two levels, topics (about 5–12) and subtopics inside each topic.

Criterion for the number of topics (documented, overridable with `n_topics`): for every k in
[min_topics, max_topics] run k-means on the vectors and keep the k with the highest mean
silhouette (cosine) on a fixed sample of at most 3,000 points; a larger k must beat the best
smaller one by more than 0.005 (fewer topics are easier to read). Subtopics: the same
criterion with k in [2, max_subtopics] inside each topic that has at least 8 opinions;
smaller topics have one subtopic. Beyond 5,000 vectors (2,000 inside a topic) centroids are
learnt on a seeded sample and every vector is assigned to its nearest centroid.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .registry import Registry


@dataclass(frozen=True)
class TwoLevelLabels:
    topic: np.ndarray  # int per vector, 0..n_topics-1, ordered by size (0 = largest)
    subtopic: np.ndarray  # int per vector, index within its topic, ordered by size
    n_topics: int
    criterion: dict[str, float]  # k -> silhouette


class Clusterer(Protocol):
    def fit(self, vectors: np.ndarray, weights: np.ndarray | None = None) -> Clusterer: ...

    labels_: TwoLevelLabels


CLUSTERERS: Registry[Clusterer] = Registry("clusterer")


def _kmeans(
    vectors: np.ndarray,
    k: int,
    seed: int,
    weights: np.ndarray | None,
    fit_sample: int = 5_000,
    n_init: int = 3,
) -> np.ndarray:
    """k-means labels for every vector; beyond `fit_sample` vectors the centroids are learnt
    on a seeded sample and every vector goes to its nearest centroid (same result in
    expectation, a fraction of the time on 100,000 opinions)."""
    from sklearn.cluster import KMeans

    n = len(vectors)
    if k <= 1:
        return np.zeros(n, dtype=np.int64)
    if n > fit_sample:
        rng = np.random.default_rng(seed)
        idx = np.sort(rng.choice(n, fit_sample, replace=False))
        model = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
        model.fit(vectors[idx], sample_weight=None if weights is None else weights[idx])
        return np.asarray(model.predict(vectors), dtype=np.int64)
    model = KMeans(n_clusters=k, random_state=seed, n_init=n_init)
    return np.asarray(model.fit_predict(vectors, sample_weight=weights), dtype=np.int64)


def _silhouette(vectors: np.ndarray, labels: np.ndarray, sample: np.ndarray) -> float:
    from sklearn.metrics import silhouette_score

    sub = labels[sample]
    if len(set(sub.tolist())) < 2:
        return -1.0
    return float(silhouette_score(vectors[sample], sub, metric="cosine"))


def _by_size(labels: np.ndarray) -> np.ndarray:
    """Relabel so that 0 is the largest cluster."""
    ids, counts = np.unique(labels, return_counts=True)
    order = ids[np.argsort(-counts, kind="stable")]
    mapping = np.empty(int(labels.max()) + 1, dtype=np.int64)
    mapping[order] = np.arange(len(order))
    return mapping[labels]


def choose_k(
    vectors: np.ndarray,
    k_range: range,
    seed: int,
    weights: np.ndarray | None,
    sample_size: int = 3000,
    fit_sample: int = 5_000,
    n_init: int = 3,
) -> tuple[np.ndarray, dict[str, float]]:
    rng = np.random.default_rng(seed)
    n = len(vectors)
    sample = np.arange(n) if n <= sample_size else rng.choice(n, sample_size, replace=False)
    best: tuple[float, np.ndarray] | None = None
    scores: dict[str, float] = {}
    for k in k_range:
        if k >= n:
            break
        labels = _kmeans(vectors, k, seed, weights, fit_sample, n_init)
        score = _silhouette(vectors, labels, sample)
        scores[str(k)] = round(score, 4)
        if best is None or score > best[0] + 0.005:
            best = (score, labels)
    if best is None:
        return np.zeros(n, dtype=np.int64), scores
    return best[1], scores


@CLUSTERERS.register("none")
@CLUSTERERS.register("single")
class SingleClusterer:
    """No-op ("none" or "single"): one topic with one subtopic."""

    def __init__(self, **_: object) -> None:
        pass

    def fit(self, vectors: np.ndarray, weights: np.ndarray | None = None) -> SingleClusterer:
        zeros = np.zeros(len(vectors), dtype=np.int64)
        self.labels_ = TwoLevelLabels(zeros, zeros.copy(), 1, {})
        return self


@CLUSTERERS.register("kmeans")
class TwoLevelKMeans:
    """k-means topics and subtopics, numbers chosen by silhouette (see module docstring)."""

    def __init__(
        self,
        n_topics: int | None = None,
        min_topics: int = 5,
        max_topics: int = 12,
        max_subtopics: int = 6,
        min_subtopic_parent: int = 8,
        random_state: int = 0,
    ) -> None:
        self.n_topics = n_topics
        self.min_topics = min_topics
        self.max_topics = max_topics
        self.max_subtopics = max_subtopics
        self.min_subtopic_parent = min_subtopic_parent
        self.random_state = random_state

    def fit(self, vectors: np.ndarray, weights: np.ndarray | None = None) -> TwoLevelKMeans:
        n = len(vectors)
        seed = self.random_state
        criterion: dict[str, float] = {}
        if n <= 1:
            topic = np.zeros(n, dtype=np.int64)
        elif self.n_topics is not None:
            topic = _kmeans(vectors, min(self.n_topics, n), seed, weights)
        else:
            low = min(self.min_topics, max(2, n // 3))
            high = min(self.max_topics, max(low, n // 3))
            topic, criterion = choose_k(vectors, range(low, high + 1), seed, weights)
        topic = _by_size(topic) if n else topic
        sub = np.zeros(n, dtype=np.int64)
        n_topics = int(topic.max()) + 1 if n else 0
        for t in range(n_topics):
            members = np.flatnonzero(topic == t)
            if len(members) < self.min_subtopic_parent:
                continue
            high = min(self.max_subtopics, len(members) // 4)
            if high < 2:
                continue
            w = weights[members] if weights is not None else None
            labels, _ = choose_k(vectors[members], range(2, high + 1), seed, w, 1500, 2000, 1)
            sub[members] = _by_size(labels)
        self.labels_ = TwoLevelLabels(topic, sub, n_topics, criterion)
        return self
