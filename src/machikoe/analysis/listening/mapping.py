"""Mappers: 2-D coordinates for every opinion (for the scatter map).

`pca` (default): the first two principal components of the vectors (fast, deterministic, and
distances keep their meaning); `none`: every point at the origin (no-op).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .registry import Registry


class Mapper(Protocol):
    def fit_transform(self, vectors: np.ndarray) -> np.ndarray: ...


MAPPERS: Registry[Mapper] = Registry("mapper")


@MAPPERS.register("none")
class NoMapper:
    def __init__(self, **_: object) -> None:
        pass

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        return np.zeros((len(vectors), 2), dtype=np.float32)


@MAPPERS.register("pca")
class PcaMapper:
    def __init__(self, random_state: int = 0) -> None:
        self.random_state = random_state

    def fit_transform(self, vectors: np.ndarray) -> np.ndarray:
        from sklearn.decomposition import PCA

        n, d = vectors.shape
        if n < 3 or d < 2:
            out = np.zeros((n, 2), dtype=np.float32)
            if n and d:
                out[:, 0] = vectors[:, 0] - vectors[:, 0].mean()
            return out
        model = PCA(n_components=2, random_state=self.random_state, svd_solver="randomized")
        coords = model.fit_transform(vectors)
        self.explained_variance_ratio_ = model.explained_variance_ratio_
        return coords.astype(np.float32)
