"""Dedupers: group exact and near-duplicate opinions (campaigns, copy-paste).

Duplicates are never dropped: every member keeps its row in the result, with the group id;
only the group's representative is vectorised and clustered (members inherit its topic), so
a campaign of 500 identical letters counts 500 times but cannot distort the topic map.

Near duplicates (`minhash`): Jaccard similarity of character 3-gram sets, estimated with
MinHash (32 hashes) and banded LSH (8 bands of 4: pairs above ~0.6 very likely become
candidates), then checked exactly; groups are the connected
components of pairs with Jaccard >= `threshold`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .registry import Registry

_IGNORED = re.compile(r"[\s\W_]+")


@dataclass(frozen=True)
class Grouping:
    """`groups`: lists of document indexes (representative first, size >= 2); `kinds` per group."""

    groups: list[list[int]]
    kinds: list[str]

    def representative_of(self, n: int) -> np.ndarray:
        """Index of the representative of each of `n` documents (itself when not duplicated)."""
        rep = np.arange(n)
        for members in self.groups:
            rep[members] = members[0]
        return rep


class Deduper(Protocol):
    def fit(self, texts: Sequence[str]) -> Deduper: ...

    groups_: list[list[int]]
    kinds_: list[str]


DEDUPERS: Registry[Deduper] = Registry("deduper")


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = np.arange(n)

    def find(self, i: int) -> int:
        parent = self.parent
        root = i
        while parent[root] != root:
            root = parent[root]
        while parent[i] != root:
            parent[i], i = root, parent[i]
        return int(root)

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)

    def components(self) -> list[list[int]]:
        roots: dict[int, list[int]] = {}
        for i in range(len(self.parent)):
            roots.setdefault(self.find(i), []).append(i)
        return [m for m in roots.values() if len(m) > 1]


def _key(text: str) -> str:
    return _IGNORED.sub("", text).lower()


def _exact_groups(texts: Sequence[str]) -> list[list[int]]:
    seen: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        key = _key(text)
        if key:
            seen.setdefault(key, []).append(i)
    return [m for m in seen.values() if len(m) > 1]


@DEDUPERS.register("none")
class NoDeduper:
    """No-op: no groups (every opinion is clustered on its own)."""

    def fit(self, texts: Sequence[str]) -> NoDeduper:
        self.groups_: list[list[int]] = []
        self.kinds_: list[str] = []
        return self


@DEDUPERS.register("exact")
class ExactDeduper:
    """Same text after ignoring spaces, punctuation and case."""

    def fit(self, texts: Sequence[str]) -> ExactDeduper:
        self.groups_ = _exact_groups(texts)
        self.kinds_ = ["exact"] * len(self.groups_)
        return self


@DEDUPERS.register("minhash")
class MinHashDeduper:
    """Exact groups, then near-duplicate groups by character 3-gram Jaccard >= `threshold`."""

    def __init__(
        self,
        threshold: float = 0.6,
        n_perm: int = 32,
        bands: int = 8,
        shingle: int = 3,
        min_chars: int = 20,
        random_state: int = 0,
    ) -> None:
        self.threshold = threshold
        self.n_perm = n_perm
        self.bands = bands
        self.shingle = shingle
        self.min_chars = min_chars
        self.random_state = random_state

    def _shingles(self, keys: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """CSR-like (indptr, hashed shingle ids) of each key's distinct shingles."""
        from sklearn.feature_extraction.text import HashingVectorizer

        hv = HashingVectorizer(
            analyzer="char",
            ngram_range=(self.shingle, self.shingle),
            n_features=1 << 24,
            alternate_sign=False,
            norm=None,
            binary=True,
            lowercase=False,
            dtype=np.float32,
        )
        matrix = hv.transform(keys).tocsr()
        matrix.sum_duplicates()
        return matrix.indptr.astype(np.int64), matrix.indices.astype(np.uint32)

    def fit(self, texts: Sequence[str]) -> MinHashDeduper:
        n = len(texts)
        uf = _UnionFind(n)
        exact = _exact_groups(texts)
        for members in exact:
            for m in members[1:]:
                uf.union(members[0], m)
        # near duplicates among one representative per exact group
        in_exact = {m for g in exact for m in g[1:]}
        keys_all = [_key(t) for t in texts]
        cand = [i for i in range(n) if i not in in_exact and len(keys_all[i]) >= self.min_chars]
        near_pairs = self._near_pairs([keys_all[i] for i in cand]) if len(cand) > 1 else []
        for a, b in near_pairs:
            uf.union(cand[a], cand[b])
        groups = uf.components()
        exact_sets = [set(g) for g in exact]
        kinds = []
        for g in groups:
            kinds.append("exact" if any(set(g) == s for s in exact_sets) else "near")
        self.groups_ = groups
        self.kinds_ = kinds
        return self

    def _near_pairs(self, keys: list[str]) -> list[tuple[int, int]]:
        indptr, ids = self._shingles(keys)
        n = len(keys)
        lengths = np.diff(indptr)
        usable = lengths > 0
        rng = np.random.default_rng(self.random_state)
        # shingle ids are already murmur hashes: XOR with a random mask per "permutation"
        # is a cheap, good-enough min-wise hash family for them (one op per shingle)
        masks = rng.integers(0, 1 << 24, size=self.n_perm, dtype=np.uint32)
        sig = np.full((n, self.n_perm), np.iinfo(np.uint32).max, dtype=np.uint32)
        starts = indptr[:-1][usable]
        for p in range(self.n_perm):
            sig[usable, p] = np.minimum.reduceat(ids ^ masks[p], starts)
        rows = self.n_perm // self.bands
        candidates: set[tuple[int, int]] = set()
        for band in range(self.bands):
            block = np.ascontiguousarray(sig[:, band * rows : (band + 1) * rows])
            view = block.view(np.dtype((np.void, block.dtype.itemsize * rows))).ravel()
            order = np.argsort(view, kind="stable")
            sorted_view = view[order]
            boundaries = np.flatnonzero(sorted_view[1:] != sorted_view[:-1]) + 1
            for bucket in np.split(order, boundaries):
                if len(bucket) < 2 or len(bucket) > 2000:
                    continue
                bucket = bucket[usable[bucket]]
                first = int(bucket[0]) if len(bucket) else 0
                for other in bucket[1:]:
                    # chain to the first member: components come out the same, fewer checks
                    candidates.add((first, int(other)))
        pairs = []
        sets: dict[int, set[int]] = {}

        def shingle_set(i: int) -> set[int]:
            if i not in sets:
                sets[i] = set(ids[indptr[i] : indptr[i + 1]].tolist())
            return sets[i]

        for i, j in candidates:
            si, sj = shingle_set(i), shingle_set(j)
            inter = len(si & sj)
            if inter and inter / (len(si) + len(sj) - inter) >= self.threshold:
                pairs.append((i, j))
        return pairs
