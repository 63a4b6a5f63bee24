"""Plain, frozen data passed into and out of the listening pipeline (no Django, no DataFrames)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One resident's opinion. `id` is the caller's id (e.g. the CSV comment-id)."""

    id: str
    text: str
    attributes: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PerspectiveSpec:
    """A plan perspective (V1..V6) or sub-item (V1-1..), used for zero-shot classification.

    `parent` is derived from the code when not given: "V1-2" -> "V1".
    """

    code: str
    title: str
    text: str = ""
    parent: str | None = None

    @property
    def parent_code(self) -> str | None:
        if self.parent is not None:
            return self.parent
        return self.code.split("-", 1)[0] if "-" in self.code else None

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PerspectiveSpec:
        return cls(
            code=str(data["code"]),
            title=str(data.get("title", "")),
            text=str(data.get("text", "")),
            parent=data.get("parent"),
        )


@dataclass(frozen=True)
class Point:
    """A separate point of an opinion (a sentence or group of sentences), linked to its source."""

    source: int  # index of the document
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DuplicateGroup:
    """Opinions that are the same text (exact) or nearly so (campaigns, copy-paste)."""

    id: str
    kind: str  # "exact" or "near"
    members: tuple[str, ...]  # document ids, the representative first
    representative: str

    @property
    def size(self) -> int:
        return len(self.members)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "size": self.size,
            "representative": self.representative,
            "members": list(self.members),
        }


@dataclass(frozen=True)
class Cluster:
    """A topic (parent None) or a subtopic (parent = its topic id)."""

    id: str
    parent: str | None
    label: str
    keywords: tuple[str, ...]
    size: int
    unique_size: int
    representatives: tuple[str, ...]  # document ids, most representative first
    summary: str = ""  # most representative sentence (extractive; may need masking)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "label": self.label,
            "keywords": list(self.keywords),
            "size": self.size,
            "unique_size": self.unique_size,
            "representatives": list(self.representatives),
            "summary": self.summary,
        }


@dataclass(frozen=True)
class Comparison:
    """Is a topic over- or under-represented in one attribute group compared with the rest?"""

    attribute: str
    group: str
    topic: str
    count_group: int
    total_group: int
    count_rest: int
    total_rest: int
    share_group: float
    share_rest: float
    effect_h: float  # Cohen's h (0.2 small, 0.5 medium, 0.8 large)
    test: str  # "fisher" or "chi2"
    p_value: float
    p_adjusted: float  # Holm-Bonferroni over every test of the run
    significant: bool

    @property
    def direction(self) -> str:
        return "over" if self.share_group > self.share_rest else "under"

    def to_dict(self) -> dict[str, Any]:
        return {
            "attribute": self.attribute,
            "group": self.group,
            "topic": self.topic,
            "count_group": self.count_group,
            "total_group": self.total_group,
            "count_rest": self.count_rest,
            "total_rest": self.total_rest,
            "share_group": round(self.share_group, 6),
            "share_rest": round(self.share_rest, 6),
            "effect_h": round(self.effect_h, 6),
            "direction": self.direction,
            "test": self.test,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "significant": self.significant,
        }


@dataclass(frozen=True)
class Row:
    """The result for one input opinion (one per input document, in input order)."""

    id: str
    topic: str | None
    subtopic: str | None
    perspectives: tuple[str, ...]
    perspective_scores: Mapping[str, float]
    sub_perspectives: tuple[str, ...]
    cross_sector: bool
    duplicate_group: str | None
    x: float | None
    y: float | None
    n_points: int
    status: str = "ok"  # "ok" or "skipped" (then `reason` says why; never silently dropped)
    reason: str = ""
    corrected: bool = False  # perspectives come from a staff correction

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "subtopic": self.subtopic,
            "perspectives": list(self.perspectives),
            "sub_perspectives": list(self.sub_perspectives),
            "perspective_scores": {k: round(v, 4) for k, v in self.perspective_scores.items()},
            "cross_sector": self.cross_sector,
            "duplicate_group": self.duplicate_group,
            "x": self.x,
            "y": self.y,
            "n_points": self.n_points,
            "status": self.status,
            "reason": self.reason,
            "corrected": self.corrected,
        }


@dataclass(frozen=True)
class ListeningResult:
    """Everything the pipeline found. `meta["complete"]` is False only if something was skipped."""

    rows: tuple[Row, ...]
    clusters: tuple[Cluster, ...]
    duplicate_groups: tuple[DuplicateGroup, ...]
    comparisons: tuple[Comparison, ...]
    meta: Mapping[str, Any]

    @property
    def topics(self) -> tuple[Cluster, ...]:
        return tuple(c for c in self.clusters if c.parent is None)

    @property
    def cross_sector(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows if r.cross_sector)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": [r.to_dict() for r in self.rows],
            "clusters": [c.to_dict() for c in self.clusters],
            "duplicate_groups": [g.to_dict() for g in self.duplicate_groups],
            "comparisons": [c.to_dict() for c in self.comparisons],
            "cross_sector": [
                {"id": r.id, "perspectives": list(r.perspectives)} for r in self.cross_sector
            ],
            "meta": dict(self.meta),
        }
