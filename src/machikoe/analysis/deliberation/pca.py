"""PCA of the vote matrix as Polis computes it, and Polis' sparsity-aware projection.

Missing votes are imputed with their column mean, so after centring they are exactly 0:
    X̃[p, s] = x[p, s] − μ_s  if p voted on s, else 0,   μ_s = mean of the votes on s.
The two principal axes are the top eigenvectors of X̃ᵀX̃, found by (block) power
iteration like Polis, warm-started from the previous axes so an update after a few new
votes converges in a few sweeps.

Each participant is projected from their own votes only and scaled up for missing votes:
    (x_p, y_p) = sqrt(n_cmts / max(n_votes_p, 1)) · Σ_{s voted by p} (x[p,s] − μ_s) · (c1_s, c2_s)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
AnyFloatArray = NDArray[np.floating[Any]]


@dataclass(frozen=True)
class PCAResult:
    """`center` μ (one per statement), `components` (2 × statements, unit rows)."""

    center: FloatArray
    components: FloatArray
    iterations: int

    def to_dict(self) -> dict[str, object]:
        return {
            "center": self.center.tolist(),
            "components": self.components.tolist(),
            "iterations": self.iterations,
        }


def column_means(values: AnyFloatArray) -> FloatArray:
    """μ_s = mean of the non-missing votes in column s (0 for a column with no vote).

    Cells hold votes (1, 0, −1) or NaN, so Σ = #agree − #disagree (cheaper than nansum).
    """
    counts = values.shape[0] - np.count_nonzero(np.isnan(values), axis=0)
    sums = (np.count_nonzero(values == 1, axis=0) - np.count_nonzero(values == -1, axis=0)).astype(
        np.float64
    )
    return np.divide(sums, counts, out=np.zeros(values.shape[1]), where=counts > 0)


def centered(values: AnyFloatArray, center: FloatArray) -> AnyFloatArray:
    """X̃ = x − μ on voted cells, 0 on missing ones (column-mean imputation, then centring).

    Keeps the matrix's dtype (float32 for big conversations)."""
    x = values - center.astype(values.dtype)
    x[np.isnan(x)] = 0.0
    return x


def power_pca(
    values: AnyFloatArray,
    n_components: int = 2,
    *,
    start: FloatArray | None = None,
    max_iter: int = 100,
    tol: float = 1e-7,
    random_state: int = 0,
    x: AnyFloatArray | None = None,
    center: FloatArray | None = None,
) -> PCAResult:
    """Top principal axes of the column-mean-imputed matrix by block power iteration.

    Iterates V ← orth(X̃ᵀ(X̃V)) (orth = QR), the subspace form of Polis' one-vector power
    iteration with Gram–Schmidt deflation; stops when the Rayleigh quotients change by less
    than `tol` (relative) or after `max_iter` sweeps. Axes are then ordered by eigenvalue
    and their signs fixed so they agree with `start` (or have a positive sum), so repeated
    runs give comparable maps. `x` may pass the already centred matrix (saves a copy).
    """
    n_rows, n_cols = values.shape
    if center is None:
        center = column_means(values)
    if x is None:
        x = centered(values, center)
    k = max(0, min(n_components, n_rows, n_cols))
    components = np.zeros((n_components, n_cols))
    if k == 0:
        return PCAResult(center, components, 0)
    rng = np.random.default_rng(random_state)
    v = rng.standard_normal((n_cols, k))
    if start is not None and start.shape == (n_components, n_cols):
        for i in range(k):
            if np.any(start[i]):
                v[:, i] = start[i]
    v, _ = np.linalg.qr(v)
    last = np.zeros(k)
    iterations = 0
    for iterations in range(1, max_iter + 1):  # noqa: B007 - reported after the loop
        vx = v.astype(x.dtype)
        w = (x.T @ (x @ vx)).astype(np.float64)
        eig = np.einsum("ij,ij->j", v, w)
        v, _ = np.linalg.qr(w)
        if np.all(np.abs(eig - last) <= tol * np.maximum(np.abs(eig), 1e-12)):
            break
        last = eig
    # Order axes by their variance, then fix signs.
    xv = (x @ v.astype(x.dtype)).astype(np.float64)
    eig = np.einsum("ij,ij->j", xv, xv)
    v = v[:, np.argsort(-eig)]
    for i in range(k):
        ref = start[i] if start is not None and start.shape == (n_components, n_cols) else None
        sign = np.dot(v[:, i], ref) if ref is not None and np.any(ref) else v[:, i].sum()
        if sign < 0:
            v[:, i] = -v[:, i]
    components[:k] = v.T
    return PCAResult(center, components, iterations)


def project_participants(
    values: AnyFloatArray, pca: PCAResult, x: AnyFloatArray | None = None
) -> FloatArray:
    """Polis' sparsity-aware projection (see module docstring), one (x, y) row per participant.

    Excluded (zeroed) columns count as votes here, as in Polis, since they are not missing.
    `x` may pass the matrix already centred on `pca.center`.
    """
    n_cmts = values.shape[1]
    n_votes = n_cmts - np.count_nonzero(np.isnan(values), axis=1)
    xc = centered(values, pca.center) if x is None else x
    raw = (xc @ pca.components.T.astype(xc.dtype)).astype(np.float64)
    scale = np.sqrt(n_cmts / np.maximum(n_votes, 1))
    return raw * scale[:, None]
