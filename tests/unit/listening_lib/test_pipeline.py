from __future__ import annotations

import numpy as np
import pytest

from machikoe.analysis.listening import Document, ListeningConfig, run_pipeline
from machikoe.core.errors import ValidationFailed

FAST = {"vectorizer": "fast", "options": {"vectorizer": {"n_components": 32}}}


def config(**kw) -> ListeningConfig:
    return ListeningConfig.from_dict({**FAST, **kw})


@pytest.fixture(scope="module")
def result_and_docs():
    from .conftest import PERSPECTIVES, make_docs

    docs = make_docs()
    stages: list[tuple[str, float]] = []
    result = run_pipeline(
        docs,
        config(perspectives=PERSPECTIVES, corrections={"c0": ["V2-2"]}),
        progress=lambda s, f: stages.append((s, f)),
    )
    return result, docs, stages


def test_one_row_per_document_in_order(result_and_docs) -> None:
    result, docs, _ = result_and_docs
    assert [r.id for r in result.rows] == [d.id for d in docs]
    assert all(r.topic and r.subtopic and r.subtopic.startswith(r.topic + ".") for r in result.rows)
    assert result.meta["complete"] is True and result.meta["n_skipped"] == 0


def test_clusters_sizes_add_up_and_children_point_to_parents(result_and_docs) -> None:
    result, docs, _ = result_and_docs
    topics = [c for c in result.clusters if c.parent is None]
    assert 2 <= len(topics) <= 12
    assert sum(t.size for t in topics) == len(docs)
    for t in topics:
        subs = [c for c in result.clusters if c.parent == t.id]
        assert subs and sum(s.size for s in subs) == t.size
        assert t.label and t.keywords and t.representatives
        ids = {r.id for r in result.rows if r.topic == t.id}
        assert set(t.representatives) <= ids


def test_repeated_texts_are_grouped_counted_not_dropped(result_and_docs) -> None:
    result, docs, _ = result_and_docs
    # every text appears twice (the second time with a polite suffix): near duplicates
    grouped = {m for g in result.duplicate_groups for m in g.members}
    assert len(grouped) >= len(docs) // 2
    for g in result.duplicate_groups:
        topics = {r.topic for r in result.rows if r.id in g.members}
        assert len(topics) == 1  # members share their representative's topic
        assert all(r.duplicate_group == g.id for r in result.rows if r.id in g.members)


def test_corrections_are_kept(result_and_docs) -> None:
    result, _, _ = result_and_docs
    row = result.rows[0]
    assert row.corrected and row.perspectives == ("V2",) and row.sub_perspectives == ("V2-2",)


def test_progress_reports_every_stage(result_and_docs) -> None:
    _, _, stages = result_and_docs
    finished = [s for s, f in stages if f == 1.0]
    assert finished == [
        "normalise", "split", "dedupe", "vectorise", "cluster", "label", "classify", "compare", "map",
    ]  # fmt: skip


def test_to_dict_schema(result_and_docs) -> None:
    data = result_and_docs[0].to_dict()
    assert set(data) == {
        "rows",
        "clusters",
        "duplicate_groups",
        "comparisons",
        "cross_sector",
        "meta",
    }
    row = data["rows"][0]
    assert {"id", "topic", "subtopic", "perspectives", "duplicate_group", "x", "y"} <= set(row)
    cluster = data["clusters"][0]
    assert {"id", "parent", "label", "keywords", "size", "representatives"} <= set(cluster)
    assert any(c["attribute"] == "youth" for c in data["comparisons"])


def test_youth_park_topic_is_over_represented(result_and_docs) -> None:
    result, _docs, _ = result_and_docs
    park_topic = result.rows[0].topic  # c0 is a park opinion by a high-school student
    youth = [c for c in result.comparisons if c.attribute == "youth" and c.topic == park_topic]
    assert youth and youth[0].direction == "over"


def test_n_topics_is_obeyed_and_vectors_can_be_given(result_and_docs) -> None:
    _, docs, _ = result_and_docs
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(docs), 8)).astype(np.float32)
    result = run_pipeline(docs, config(n_topics=3, vectorizer="none"), vectors=vectors)
    assert result.meta["n_topics"] == 3
    assert "観点" in " ".join(result.meta["warnings"]) or not result.meta["warnings"]


def test_same_input_same_output() -> None:
    from .conftest import make_docs

    docs = make_docs(1)
    a = run_pipeline(docs, config()).to_dict()
    b = run_pipeline(docs, config()).to_dict()
    a["meta"].pop("timings_s"), b["meta"].pop("timings_s")
    assert a == b


# --- bad input (issue item 7) ---


def test_no_documents() -> None:
    with pytest.raises(ValidationFailed, match="1 件もありません"):
        run_pipeline([], config())


def test_only_empty_or_html_texts() -> None:
    with pytest.raises(ValidationFailed, match="本文のある意見"):
        run_pipeline([Document("a", "  "), Document("b", "<br><p></p>")], config())


def test_empty_rows_are_skipped_and_marked_incomplete() -> None:
    from .conftest import make_docs

    docs = [*make_docs(1), Document("blank", "　\n")]
    result = run_pipeline(docs, config())
    row = result.rows[-1]
    assert row.status == "skipped" and row.topic is None and row.reason
    assert result.meta["complete"] is False and result.meta["warnings"]


def test_one_character_huge_emoji_and_html_opinions() -> None:
    from .conftest import make_docs

    docs = [
        *make_docs(1),
        Document("one", "あ"),
        Document(
            "huge", "公園を増やしてほしい。子どもの遊び場が足りません。" * 4000
        ),  # 100,000 chars
        Document("emoji", "公園がほしい😀🎉👨‍👩‍👧"),
        Document("html", "<script>alert(1)</script><b>バス</b>を増やして&lt;ほしい&gt;"),
    ]
    assert len(docs[-3].text) == 100_000
    result = run_pipeline(docs, config())
    by_id = {r.id: r for r in result.rows}
    assert all(by_id[i].status == "ok" and by_id[i].topic for i in ("one", "huge", "emoji", "html"))
    assert by_id["huge"].n_points > 100
    assert result.meta["complete"] is True


def test_a_file_of_only_duplicates() -> None:
    docs = [Document(str(i), "AIの無断学習に反対します。") for i in range(30)]
    result = run_pipeline(docs, config())
    assert len(result.duplicate_groups) == 1 and result.duplicate_groups[0].size == 30
    assert result.meta["n_topics"] == 1 and result.topics[0].size == 30
    assert any("重複" in w for w in result.meta["warnings"])


def test_fewer_opinions_than_topics_asked() -> None:
    docs = [Document("1", "公園を増やして"), Document("2", "バスを増やして")]
    with pytest.raises(ValidationFailed, match="トピック数"):
        run_pipeline(docs, config(n_topics=5))
    # without a fixed number it still works on tiny input
    assert run_pipeline(docs, config()).meta["n_topics"] >= 1


def test_duplicate_ids_and_bad_vectors() -> None:
    with pytest.raises(ValidationFailed, match="重複"):
        run_pipeline([Document("1", "a"), Document("1", "b")], config())
    with pytest.raises(ValidationFailed, match="ベクトル"):
        run_pipeline([Document("1", "a")], config(), vectors=np.zeros((2, 3)))


def test_config_from_dict_refuses_unknown_keys_and_bad_values() -> None:
    with pytest.raises(ValidationFailed, match="不明"):
        ListeningConfig.from_dict({"n_topic": 5})
    with pytest.raises(ValidationFailed):
        ListeningConfig.from_dict({"n_topics": 0})
    cfg = ListeningConfig.from_dict(
        {"perspectives": [{"code": "V1", "title": "t"}], "corrections": {"x": "V1"}}
    )
    assert cfg.perspectives[0].code == "V1" and cfg.corrections["x"] == ("V1",)


def test_vectors_from_another_space_are_not_classified_silently(result_and_docs) -> None:
    from .conftest import PERSPECTIVES

    _, docs, _ = result_and_docs
    vectors = np.random.default_rng(1).normal(size=(len(docs), 8)).astype(np.float32)
    cfg = config(vectorizer="none", perspectives=PERSPECTIVES, options={})
    result = run_pipeline(docs, cfg, vectors=vectors)
    assert not any(r.perspectives for r in result.rows)
    assert any("観点の分類を行っていません" in w for w in result.meta["warnings"])
