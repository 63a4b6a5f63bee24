"""Perspective classifiers: every opinion to the plan's perspectives (V1–V6) and sub-items.

`zero_shot` (default): each perspective is represented by the vector of its own text (title,
text, its sub-items and the glossary entries it mentions), so it needs no labelled data.
Staff corrections (document id -> codes) improve it: each perspective's prototype moves
towards the mean vector of the opinions staff put there (Rocchio), with weight n / (n + 5),
and a "none" prototype is learnt from opinions staff marked as none. Corrected opinions keep
their corrected codes on every re-run.

With at least `min_labels` corrections in two or more classes, a logistic regression on the
vectors of the corrected opinions is learnt too (class-balanced; its regularisation chosen
among C = 1, 10, 100 by 3-fold cross-validation on the corrections, macro-F1), and its probabilities are blended with the
zero-shot shares with weight n / (n + 20) (n = number of corrections).

Decision: scores are cosine similarities to the prototypes, turned into shares with a
softmax whose temperature is the spread of all scores (so it works for any backend). The top
perspective is kept when its share is at least `min_share` times the uniform share;
others within `cross_sector_ratio` of the top share are kept too (cross-sector when >= 2).
`none`: no perspectives (no-op).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .registry import Registry
from .types import PerspectiveSpec
from .vectorize import l2_normalise

NONE_CODE = "none"


@dataclass(frozen=True)
class Assignment:
    perspectives: tuple[str, ...]
    sub_perspectives: tuple[str, ...]
    scores: dict[str, float]


class PerspectiveClassifier(Protocol):
    def fit(
        self,
        specs: Sequence[PerspectiveSpec],
        spec_vectors: np.ndarray,
        labelled_vectors: np.ndarray,
        labelled_codes: Sequence[Sequence[str]],
    ) -> PerspectiveClassifier: ...

    def predict(self, vectors: np.ndarray) -> list[Assignment]: ...


CLASSIFIERS: Registry[PerspectiveClassifier] = Registry("classifier")


def spec_text(
    spec: PerspectiveSpec, children: Sequence[PerspectiveSpec], glossary: Mapping[str, str]
) -> str:
    """The text a perspective is recognised by: its own words, its sub-items, glossary terms."""
    parts = [spec.title, spec.text, *(c.title + " " + c.text for c in children)]
    joined = " ".join(p for p in parts if p)
    terms = [f"{term}: {meaning}" for term, meaning in glossary.items() if term in joined]
    return " ".join([joined, *terms])


@CLASSIFIERS.register("none")
class NoClassifier:
    """No-op: no opinion is tied to a perspective."""

    def __init__(self, **_: object) -> None:
        pass

    def fit(
        self,
        specs: Sequence[PerspectiveSpec],
        spec_vectors: np.ndarray,
        labelled_vectors: np.ndarray,
        labelled_codes: Sequence[Sequence[str]],
    ) -> NoClassifier:
        return self

    def predict(self, vectors: np.ndarray) -> list[Assignment]:
        return [Assignment((), (), {}) for _ in range(len(vectors))]


@CLASSIFIERS.register("zero_shot")
class ZeroShotClassifier:
    def __init__(
        self,
        min_share: float = 1.2,
        cross_sector_ratio: float = 0.9,
        prior_weight: float = 5.0,
        min_labels: int = 30,
    ) -> None:
        self.min_share = min_share
        self.cross_sector_ratio = cross_sector_ratio
        self.prior_weight = prior_weight
        self.min_labels = min_labels

    def fit(
        self,
        specs: Sequence[PerspectiveSpec],
        spec_vectors: np.ndarray,
        labelled_vectors: np.ndarray,
        labelled_codes: Sequence[Sequence[str]],
    ) -> ZeroShotClassifier:
        self.top_codes_ = [s.code for s in specs if s.parent_code is None]
        self.children_ = {
            code: [i for i, s in enumerate(specs) if s.parent_code == code]
            for code in self.top_codes_
        }
        self.sub_codes_ = [s.code for s in specs]
        index = {s.code: i for i, s in enumerate(specs)}
        protos = []
        for code in [*self.top_codes_, NONE_CODE]:
            base = spec_vectors[index[code]] if code in index else None
            mask = np.array([code in _top(codes) for codes in labelled_codes], dtype=bool)
            n = int(mask.sum())
            if n and len(labelled_vectors):
                mean = labelled_vectors[mask].mean(axis=0)
                if base is None:
                    proto = mean
                else:
                    w = n / (n + self.prior_weight)
                    proto = (1 - w) * base + w * mean
            elif base is not None:
                proto = base
            else:
                continue
            protos.append((code, proto))
        self.proto_codes_ = [c for c, _ in protos]
        self.prototypes_ = l2_normalise(np.vstack([p for _, p in protos])) if protos else None
        self.spec_vectors_ = l2_normalise(spec_vectors) if len(spec_vectors) else spec_vectors
        self.model_ = None
        self.model_weight_ = 0.0
        primary = [_primary(codes) for codes in labelled_codes]
        known = [i for i, c in enumerate(primary) if c in self.proto_codes_]
        classes = {primary[i] for i in known}
        if len(known) >= self.min_labels and len(classes) >= 2:
            import warnings

            from sklearn.linear_model import LogisticRegression, LogisticRegressionCV

            targets = [primary[i] for i in known]
            smallest = min(targets.count(c) for c in classes)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # rare classes: fewer members than folds
                if smallest >= 2 and len(known) >= 3 * len(classes):
                    # regularisation chosen by cross-validation on the corrections themselves
                    self.model_ = LogisticRegressionCV(
                        Cs=[1.0, 10.0, 100.0],
                        cv=3,
                        class_weight="balanced",
                        scoring="f1_macro",
                        max_iter=2000,
                    ).fit(labelled_vectors[known], targets)
                else:
                    self.model_ = LogisticRegression(
                        C=10.0, class_weight="balanced", max_iter=2000
                    ).fit(labelled_vectors[known], targets)
            self.model_weight_ = len(known) / (len(known) + 20.0)
        return self

    def predict(self, vectors: np.ndarray) -> list[Assignment]:
        if self.prototypes_ is None or not len(vectors):
            return [Assignment((), (), {}) for _ in range(len(vectors))]
        sims = vectors @ self.prototypes_.T
        spread = float(sims.std()) or 1.0
        logits = (sims - sims.max(axis=1, keepdims=True)) / spread
        shares = np.exp(logits)
        shares /= shares.sum(axis=1, keepdims=True)
        if self.model_ is not None:
            probs = np.zeros_like(shares)
            column = {c: j for j, c in enumerate(self.proto_codes_)}
            learnt = self.model_.predict_proba(vectors)
            for k, code in enumerate(self.model_.classes_):
                probs[:, column[str(code)]] = learnt[:, k]
            w = self.model_weight_
            shares = (1 - w) * shares + w * probs
        m = len(self.proto_codes_)
        uniform = 1.0 / m
        sub_sims = vectors @ self.spec_vectors_.T if len(self.spec_vectors_) else None
        out = []
        for row in range(len(vectors)):
            share = shares[row]
            best = int(share.argmax())
            chosen: list[str] = []
            if self.proto_codes_[best] != NONE_CODE and share[best] >= self.min_share * uniform:
                for j in np.argsort(-share):
                    code = self.proto_codes_[int(j)]
                    if code == NONE_CODE:
                        break
                    if share[j] >= self.cross_sector_ratio * share[best]:
                        chosen.append(code)
            subs = []
            if sub_sims is not None:
                for code in chosen:
                    kids = self.children_.get(code, [])
                    if kids:
                        k = max(kids, key=lambda i: sub_sims[row, i])
                        subs.append(self.sub_codes_[k])
            scores = {
                c: float(s) for c, s in zip(self.proto_codes_, share, strict=True) if c != NONE_CODE
            }
            out.append(Assignment(tuple(chosen), tuple(subs), scores))
        return out


def _primary(codes: Sequence[str]) -> str:
    return codes[0].split("-", 1)[0] if codes else NONE_CODE


def _top(codes: Sequence[str]) -> set[str]:
    return {c.split("-", 1)[0] if c != NONE_CODE else c for c in codes}
