"""k-means as Polis runs it: warm-started from the previous run's clusters, optional weights.

Polis keeps clusters from one update to the next. A new run starts from the previous
clusters' members (re-centred on their current positions); if there are fewer clusters than
asked for, it repeatedly splits off the point farthest from every centre. Each step assigns
every point to its nearest centre (Euclidean), drops empty clusters and moves every centre
to the weighted mean of its points:
    c_j = Σ_{i ∈ C_j} w_i x_i / Σ_{i ∈ C_j} w_i
It stops when every (sorted) centre moved less than 0.01, or after `max_iter` steps.
A cold start takes the first k distinct points as centres.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


@dataclass(frozen=True)
class Cluster:
    """A cluster: a stable `id`, the names of its `members` and its `center`."""

    id: int
    members: tuple[Hashable, ...]
    center: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        return {"id": self.id, "members": list(self.members), "center": list(self.center)}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> Cluster:
        members = data["members"]
        center = data["center"]
        assert isinstance(members, list) and isinstance(center, list)
        return cls(int(str(data["id"])), tuple(members), tuple(float(c) for c in center))


def weighted_mean(points: FloatArray, weights: FloatArray | None) -> FloatArray:
    """Σ w_i x_i / Σ w_i (plain mean without weights)."""
    if weights is None:
        return points.mean(axis=0)
    return (points * weights[:, None]).sum(axis=0) / weights.sum()


def _centers(points: FloatArray, groups: list[IntArray], weights: FloatArray | None) -> FloatArray:
    return np.array(
        [weighted_mean(points[g], None if weights is None else weights[g]) for g in groups]
    ).reshape(len(groups), points.shape[1])


def _distances(points: FloatArray, centers: FloatArray) -> FloatArray:
    """Euclidean distances, every point to every centre."""
    d2 = (
        np.einsum("ij,ij->i", points, points)[:, None]
        - 2.0 * points @ centers.T
        + np.einsum("ij,ij->i", centers, centers)[None, :]
    )
    return np.sqrt(np.maximum(d2, 0.0))


def _label_centers(
    points: FloatArray, labels: IntArray, n: int, weights: FloatArray | None
) -> tuple[FloatArray, FloatArray]:
    """Weighted mean of the points of each label 0..n-1, and each label's total weight."""
    w = np.ones(points.shape[0]) if weights is None else weights
    total = np.bincount(labels, weights=w, minlength=n)
    sums = np.vstack(
        [np.bincount(labels, weights=w * points[:, d], minlength=n) for d in range(points.shape[1])]
    ).T
    with np.errstate(invalid="ignore", divide="ignore"):
        return sums / total[:, None], total.astype(np.float64)


def _cold_start(points: FloatArray, k: int) -> tuple[list[int], FloatArray]:
    """First k distinct points, in data order."""
    _, first = np.unique(points, axis=0, return_index=True)
    first = np.sort(first)[:k]
    return list(range(first.size)), points[first].copy()


def _warm_start(
    points: FloatArray,
    names: Sequence[Hashable],
    k: int,
    last: Sequence[Cluster],
    weights: FloatArray | None,
) -> tuple[list[int], FloatArray]:
    """Previous clusters re-centred on current positions, then split up to k clusters."""
    index = {name: i for i, name in enumerate(names)}
    ids: list[int] = []
    groups: list[IntArray] = []
    for cluster in last:
        members = np.array([index[m] for m in cluster.members if m in index], dtype=np.int64)
        if members.size:
            ids.append(cluster.id)
            groups.append(members)
    if not groups:
        next_id = max((c.id for c in last), default=-1) + 1
        return [next_id], _centers(points, [np.arange(len(names))], weights)
    centers = _centers(points, groups, weights)
    # Merge clusters whose centres coincide (the bigger one keeps its id).
    by_center: dict[tuple[float, ...], int] = {}
    merged_ids: list[int] = []
    merged: list[IntArray] = []
    for cid, group, center in zip(ids, groups, centers, strict=True):
        key = tuple(center.tolist())
        j = by_center.get(key)
        if j is None:
            by_center[key] = len(merged)
            merged_ids.append(cid)
            merged.append(group)
        else:
            if group.size > merged[j].size:
                merged_ids[j] = cid
            merged[j] = np.concatenate([merged[j], group])
    ids, groups = merged_ids, merged
    centers = _centers(points, groups, weights)
    possible = k if len(groups) >= k else min(k, np.unique(points, axis=0).shape[0])
    while possible > len(groups):
        dist = _distances(points, centers).min(axis=1)
        far = int(np.argmax(dist))
        if dist[far] <= 0:
            break
        kept = [(cid, g[g != far]) for cid, g in zip(ids, groups, strict=True)]
        kept = [(cid, g) for cid, g in kept if g.size]
        next_id = max(ids) + 1
        ids = [cid for cid, _ in kept] + [next_id]
        groups = [g for _, g in kept] + [np.array([far], dtype=np.int64)]
        centers = _centers(points, groups, weights)
    return ids, centers


def kmeans(
    points: FloatArray,
    names: Sequence[Hashable],
    k: int,
    *,
    last: Sequence[Cluster] | None = None,
    weights: FloatArray | None = None,
    max_iter: int = 20,
    threshold: float = 0.01,
) -> list[Cluster]:
    """Polis-style k-means (see module docstring); clusters sorted by id."""
    if len(names) == 0 or k < 1:
        return []
    points = np.asarray(points, dtype=np.float64)
    if last:
        ids, centers = _warm_start(points, names, k, last, weights)
    else:
        ids, centers = _cold_start(points, k)
    for _ in range(max_iter + 1):
        labels = np.argmin(_distances(points, centers), axis=1)
        new_centers, total = _label_centers(points, labels, len(ids), weights)
        used = np.flatnonzero(total > 0)
        ids = [ids[j] for j in used]
        done = _same_clustering(centers[used], new_centers[used], threshold) and used.size == len(
            centers
        )
        centers = new_centers[used]
        if done:
            break
    labels = np.argmin(_distances(points, centers), axis=1)
    order = np.argsort(labels, kind="stable")
    bounds = np.searchsorted(labels[order], np.arange(len(ids) + 1))
    clusters = [
        Cluster(
            cid,
            tuple(names[i] for i in order[bounds[j] : bounds[j + 1]]),
            tuple(float(c) for c in centers[j]),
        )
        for j, cid in enumerate(ids)
        if bounds[j + 1] > bounds[j]
    ]
    return sorted(clusters, key=lambda c: c.id)


def _same_clustering(old: FloatArray, new: FloatArray, threshold: float) -> bool:
    """Every sorted centre moved less than `threshold`."""
    if old.shape != new.shape:
        return False
    a = old[np.lexsort(old.T[::-1])]
    b = new[np.lexsort(new.T[::-1])]
    return bool(np.all(np.linalg.norm(a - b, axis=1) < threshold))


def silhouette(points: FloatArray, labels: NDArray[np.int64]) -> float:
    """Mean silhouette s_i = (b_i − a_i) / max(a_i, b_i) over all points, unweighted.

    a_i = mean distance to the other members of i's cluster, b_i = smallest mean distance
    to another cluster; s_i = 0 for a point alone in its cluster (as Polis does).
    A single cluster scores −1 so it is never preferred.
    """
    unique = np.unique(labels)
    if unique.size < 2:
        return -1.0
    d = _distances(points, points)
    onehot = (labels[:, None] == unique[None, :]).astype(np.float64)
    sizes = onehot.sum(axis=0)
    sums = d @ onehot
    own = np.argmax(onehot, axis=1)
    rows = np.arange(labels.size)
    n_own = sizes[own] - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        a = sums[rows, own] / n_own
        means = sums / sizes[None, :]
    means[rows, own] = np.inf
    b = means.min(axis=1)
    top = np.maximum(a, b)
    with np.errstate(invalid="ignore", divide="ignore"):
        scores = np.where((n_own == 0) | (top == 0), 0.0, (b - a) / top)
    return float(scores.mean())
