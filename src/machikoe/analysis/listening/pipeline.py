"""The broad-listening pipeline: normalise → split → dedupe → vectorise → cluster → label →
classify → compare → map, each stage chosen by its registered name in `ListeningConfig`.

Every input document gets exactly one row in the result, in input order. Documents that
cannot be analysed (empty after removing HTML/whitespace) get `status="skipped"` and a reason,
and `meta["complete"]` is False with a warning; the run never passes off a partial result
as complete. Errors that make the whole analysis meaningless raise `ValidationFailed`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from machikoe.core.errors import ValidationFailed

from .classify import CLASSIFIERS, NONE_CODE, Assignment, spec_text
from .cluster import CLUSTERERS
from .compare import COMPARERS
from .config import ListeningConfig
from .dedupe import DEDUPERS, Grouping
from .label import LABELERS
from .mapping import MAPPERS
from .normalize import NORMALIZERS
from .split import SPLITTERS
from .types import Cluster, Document, DuplicateGroup, ListeningResult, Row
from .vectorize import VECTORIZERS, Vectorizer, VectorizerChoice, choose_vectorizer

Progress = Callable[[str, float], None]
STAGES = (
    "normalise",
    "split",
    "dedupe",
    "vectorise",
    "cluster",
    "label",
    "classify",
    "compare",
    "map",
)


def _validate(documents: Sequence[Document], vectors: np.ndarray | None) -> None:
    if not documents:
        raise ValidationFailed("分析する意見が 1 件もありません。", code="empty")
    seen: set[str] = set()
    for doc in documents:
        if doc.id in seen:
            raise ValidationFailed(f"意見の ID「{doc.id}」が重複しています。", code="duplicate_id")
        seen.add(doc.id)
    if vectors is not None and (vectors.ndim != 2 or vectors.shape[0] != len(documents)):
        raise ValidationFailed(
            f"ベクトルの形 {vectors.shape} が意見の数 {len(documents)} と合いません。",
            code="bad_vectors",
        )


def plan_vectorizer(
    documents: Sequence[Document], config: ListeningConfig
) -> VectorizerChoice | None:
    """What `auto` would choose for these documents (None when a backend is named)."""
    if config.vectorizer != "auto":
        return None
    texts = NORMALIZERS.create(config.normalizer).transform([d.text for d in documents])
    return choose_vectorizer(texts, config.time_budget_s)


def run_pipeline(
    documents: Sequence[Document],
    config: ListeningConfig,
    *,
    vectors: np.ndarray | None = None,
    progress: Progress | None = None,
    vectorizer: Vectorizer | None = None,
) -> ListeningResult:
    """Analyse `documents`. `vectors` (one row per document, from the backend named in
    `config.vectorizer`, or from `vectorizer`) skips vectorisation; `vectorizer` is a fitted
    backend used for the perspective texts when it is not stateless."""
    timings: dict[str, float] = {}
    warnings: list[str] = []
    report = progress or (lambda stage, fraction: None)
    _validate(documents, vectors)
    n = len(documents)

    def stage(name: str) -> Callable[[], None]:
        start = time.perf_counter()
        report(name, 0.0)

        def done() -> None:
            timings[name] = round(time.perf_counter() - start, 3)
            report(name, 1.0)

        return done

    done = stage("normalise")
    texts = NORMALIZERS.create(config.normalizer).fit([]).transform([d.text for d in documents])
    usable = np.array([bool(t.strip()) for t in texts])
    if not usable.any():
        raise ValidationFailed(
            "本文のある意見が 1 件もありません（空・HTML だけなど）。", code="empty"
        )
    skipped = int((~usable).sum())
    if skipped:
        warnings.append(f"本文が空の意見 {skipped} 件は分析していません（status=skipped）。")
    done()

    done = stage("split")
    splitter = SPLITTERS.create(
        config.splitter, **_params(config, "splitter", SPLITTERS, config.splitter)
    )
    points = splitter.fit(texts).transform(texts)
    done()

    done = stage("dedupe")
    usable_idx = np.flatnonzero(usable)
    deduper = DEDUPERS.create(config.deduper, **_dedupe_params(config))
    deduper.fit([texts[i] for i in usable_idx])
    grouping = Grouping(
        [[int(usable_idx[m]) for m in g] for g in deduper.groups_], list(deduper.kinds_)
    )
    rep_of = grouping.representative_of(n)
    reps = np.array([i for i in usable_idx if rep_of[i] == i], dtype=np.int64)
    if len(reps) == 1 and len(usable_idx) > 1:
        warnings.append("すべての意見が同じ内容（重複）でした。トピックは 1 つです。")
    if config.n_topics is not None and config.n_topics > len(reps):
        raise ValidationFailed(
            f"重複を除いた意見が {len(reps)} 件で、指定のトピック数 {config.n_topics} より少ないため"
            f"分析できません。トピック数を {len(reps)} 以下にしてください。",
            code="too_few",
            field="n_topics",
        )
    done()

    done = stage("vectorise")
    choice: VectorizerChoice | None = None
    rep_texts = [texts[i] for i in reps]
    if vectors is not None:
        rep_vectors = np.asarray(vectors[reps], dtype=np.float32)
        backend_name = vectorizer.name if vectorizer is not None else config.vectorizer
    else:
        name = config.vectorizer
        if name == "auto":
            choice = choose_vectorizer(rep_texts, config.time_budget_s)
            name = choice.name
            report(f"vectorise:{name}", 0.0)
        vectorizer = VECTORIZERS.create(name, **_params(config, "vectorizer", VECTORIZERS, name))
        rep_vectors = vectorizer.fit_transform(rep_texts)
        backend_name = vectorizer.name
    done()

    done = stage("cluster")
    # one vote per distinct text: a campaign of identical letters is counted in the sizes but
    # does not pull the topic centroids (clusterers accept weights for other callers)
    clusterer = CLUSTERERS.create(
        config.clusterer,
        **_params(
            config,
            "clusterer",
            CLUSTERERS,
            config.clusterer,
            n_topics=config.n_topics,
            min_topics=config.min_topics,
            max_topics=config.max_topics,
            max_subtopics=config.max_subtopics,
            random_state=config.random_state,
        ),
    )
    labels = clusterer.fit(rep_vectors, None).labels_
    done()

    done = stage("label")
    topic_members = [np.flatnonzero(labels.topic == t) for t in range(labels.n_topics)]
    sub_keys: list[tuple[int, int]] = []
    sub_members: list[np.ndarray] = []
    for t, members in enumerate(topic_members):
        subs = labels.subtopic[members]
        for s in range(int(subs.max()) + 1 if len(subs) else 0):
            sub_keys.append((t, s))
            sub_members.append(members[subs == s])
    labeler = LABELERS.create(
        config.labeler,
        **_params(config, "labeler", LABELERS, config.labeler, random_state=config.random_state),
    )
    labeler.fit(rep_texts, rep_vectors, [*topic_members, *sub_members])
    done()

    done = stage("classify")
    assignments = _classify(config, documents, rep_vectors, reps, rep_of, vectorizer, warnings)
    done()

    done = stage("compare")
    topic_of_doc: list[str | None] = [None] * n
    sub_of_doc: list[str | None] = [None] * n
    rep_pos = {int(r): k for k, r in enumerate(reps)}
    for i in usable_idx.tolist():
        k = rep_pos[int(rep_of[i])]
        t = int(labels.topic[k])
        topic_of_doc[i] = f"t{t + 1}"
        sub_of_doc[i] = f"t{t + 1}.{int(labels.subtopic[k]) + 1}"
    comparer = COMPARERS.create(
        "chi2" if config.compare_attributes != () else "none",
        **_compare_params(config),
    )
    comparer.fit(topic_of_doc, [d.attributes for d in documents])
    done()

    done = stage("map")
    mapper = MAPPERS.create(
        config.mapper,
        **_params(config, "mapper", MAPPERS, config.mapper, random_state=config.random_state),
    )
    coords = mapper.fit_transform(rep_vectors)
    done()

    clusters = _clusters(
        documents,
        reps,
        rep_of,
        usable_idx,
        labels,
        topic_members,
        sub_keys,
        sub_members,
        labeler.labels_,
    )
    groups = _groups(documents, grouping)
    index = {d.id: i for i, d in enumerate(documents)}
    group_of = {index[m]: g.id for g in groups for m in g.members}
    rows = []
    for i, doc in enumerate(documents):
        if not usable[i]:
            rows.append(
                Row(
                    doc.id,
                    None,
                    None,
                    (),
                    {},
                    (),
                    False,
                    None,
                    None,
                    None,
                    0,
                    "skipped",
                    "本文が空です",
                )
            )
            continue
        k = rep_pos[int(rep_of[i])]
        a = assignments[i]
        rows.append(
            Row(
                id=doc.id,
                topic=topic_of_doc[i],
                subtopic=sub_of_doc[i],
                perspectives=a.perspectives,
                perspective_scores=a.scores,
                sub_perspectives=a.sub_perspectives,
                cross_sector=len(a.perspectives) >= 2,
                duplicate_group=group_of.get(i),
                x=round(float(coords[k, 0]), 5),
                y=round(float(coords[k, 1]), 5),
                n_points=len(points[i]),
                corrected=doc.id in config.corrections,
            )
        )
    meta: dict[str, Any] = {
        "complete": skipped == 0,
        "warnings": warnings,
        "n_documents": n,
        "n_analysed": int(usable.sum()),
        "n_skipped": skipped,
        "n_unique": len(reps),
        "n_points": int(sum(len(p) for i, p in enumerate(points) if usable[i])),
        "n_duplicate_groups": len(groups),
        "n_in_duplicate_groups": int(sum(g.size for g in groups)),
        "n_topics": labels.n_topics,
        "topic_criterion": {"method": "silhouette (cosine)", "scores": labels.criterion},
        "vectorizer": backend_name,
        "vectorizer_choice": choice.to_dict() if choice else None,
        "timings_s": timings,
        "config": config.to_dict(),
    }
    return ListeningResult(
        rows=tuple(rows),
        clusters=tuple(clusters),
        duplicate_groups=tuple(groups),
        comparisons=tuple(comparer.comparisons_),
        meta=meta,
    )


def _params(
    config: ListeningConfig, stage: str, registry: Any, name: str, **defaults: Any
) -> dict[str, Any]:
    """Defaults from the config's own fields, then the stage's `options` table on top."""
    params = dict(defaults)
    if stage == "splitter" and name == "sentence":
        params.setdefault("max_chars", config.max_point_chars)
    if stage == "vectorizer" and name == "fast":
        params.setdefault("random_state", config.random_state)
    params.update(config.stage_options(stage))
    return params


def _dedupe_params(config: ListeningConfig) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if config.deduper == "minhash":
        params = {"threshold": config.near_duplicate_threshold, "random_state": config.random_state}
    params.update(config.stage_options("deduper"))
    return params


def _compare_params(config: ListeningConfig) -> dict[str, Any]:
    if config.compare_attributes == ():
        return {}
    return {
        "attributes": config.compare_attributes,
        "youth_attribute": config.youth_attribute,
        "youth_values": tuple(config.youth_values),
        "ignore_values": tuple(config.ignore_values),
        "alpha": config.alpha,
        "min_group_size": config.min_group_size,
    }


def _classify(
    config: ListeningConfig,
    documents: Sequence[Document],
    rep_vectors: np.ndarray,
    reps: np.ndarray,
    rep_of: np.ndarray,
    vectorizer: Vectorizer | None,
    warnings: list[str],
) -> dict[int, Assignment]:
    n = len(documents)
    specs = list(config.perspectives)
    empty = Assignment((), (), {})
    out: dict[int, Assignment] = dict.fromkeys(range(n), empty)
    corrections = _corrections(config.corrections)
    if not specs and not corrections:
        return out
    if vectorizer is None and config.vectorizer in VECTORIZERS:
        candidate = VECTORIZERS.create(config.vectorizer, **config.stage_options("vectorizer"))
        vectorizer = candidate if candidate.stateless else None
    classifier_name = config.classifier
    if vectorizer is None or not (vectorizer.stateless or hasattr(vectorizer, "components_")):
        warnings.append(
            "観点の分類を行っていません: ベクトルを作ったバックエンドを渡してください"
            "（vectorizer 引数、または config.vectorizer に stateless なもの）。"
        )
        classifier_name = "none"
    spec_vectors = np.zeros((0, rep_vectors.shape[1]), np.float32)
    if classifier_name != "none" and specs and vectorizer is not None:
        texts = [
            spec_text(s, [c for c in specs if c.parent_code == s.code], config.glossary)
            if s.parent_code is None
            else f"{s.title} {s.text}"
            for s in specs
        ]
        spec_vectors = vectorizer.transform(texts)
        if spec_vectors.shape[1] != rep_vectors.shape[1]:
            warnings.append(
                "観点の分類を行っていません: 渡されたベクトルと vectorizer の次元が合いません。"
            )
            classifier_name = "none"
            spec_vectors = np.zeros((0, rep_vectors.shape[1]), np.float32)
    rep_pos = {int(r): k for k, r in enumerate(reps)}
    index = {d.id: i for i, d in enumerate(documents)}
    labelled = [
        (rep_pos[int(rep_of[index[d]])], codes)
        for d, codes in corrections.items()
        if d in index and int(rep_of[index[d]]) in rep_pos
    ]
    classifier = CLASSIFIERS.create(
        classifier_name,
        **{
            **(
                {"cross_sector_ratio": config.cross_sector_ratio}
                if classifier_name == "zero_shot"
                else {}
            ),
            **config.stage_options("classifier"),
        },
    )
    classifier.fit(
        specs,
        spec_vectors,
        rep_vectors[[k for k, _ in labelled]] if labelled else np.zeros((0, rep_vectors.shape[1])),
        [codes for _, codes in labelled],
    )
    predicted = classifier.predict(rep_vectors)
    for i in range(n):
        position = rep_pos.get(int(rep_of[i]))
        if position is not None:
            out[i] = predicted[position]
    for doc_id, codes in corrections.items():
        found = index.get(doc_id)
        if found is None:
            continue
        tops = tuple(dict.fromkeys(c.split("-", 1)[0] for c in codes if c != NONE_CODE))
        subs = tuple(c for c in codes if "-" in c)
        out[found] = Assignment(tops, subs, out[found].scores)
    return out


def _corrections(corrections: Mapping[str, Sequence[str]]) -> dict[str, tuple[str, ...]]:
    return {str(k): tuple([v] if isinstance(v, str) else v) for k, v in corrections.items()}


def _clusters(
    documents: Sequence[Document],
    reps: np.ndarray,
    rep_of: np.ndarray,
    usable_idx: np.ndarray,
    labels: Any,
    topic_members: list[np.ndarray],
    sub_keys: list[tuple[int, int]],
    sub_members: list[np.ndarray],
    cluster_labels: Sequence[Any],
) -> list[Cluster]:
    counts = np.bincount(rep_of[usable_idx], minlength=len(rep_of))
    out = []
    keys: list[tuple[str, str | None]] = [(f"t{t + 1}", None) for t in range(len(topic_members))]
    keys += [(f"t{t + 1}.{s + 1}", f"t{t + 1}") for t, s in sub_keys]
    for (cid, parent), members, lab in zip(
        keys, [*topic_members, *sub_members], cluster_labels, strict=True
    ):
        out.append(
            Cluster(
                id=cid,
                parent=parent,
                label=lab.label,
                keywords=lab.keywords,
                size=int(counts[reps[members]].sum()),
                unique_size=len(members),
                representatives=tuple(documents[int(reps[k])].id for k in lab.representatives),
                summary=lab.summary,
            )
        )
    return out


def _groups(documents: Sequence[Document], grouping: Grouping) -> list[DuplicateGroup]:
    order = sorted(
        range(len(grouping.groups)), key=lambda g: (-len(grouping.groups[g]), grouping.groups[g][0])
    )
    groups = []
    for number, g in enumerate(order, start=1):
        members = grouping.groups[g]
        groups.append(
            DuplicateGroup(
                id=f"d{number}",
                kind=grouping.kinds[g],
                members=tuple(documents[m].id for m in members),
                representative=documents[members[0]].id,
            )
        )
    return groups
