"""Polis maths on small hand-computed matrices, plus hypothesis properties."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from machikoe.analysis.deliberation.kmeans import Cluster, kmeans, silhouette
from machikoe.analysis.deliberation.model import (
    KSmoother,
    ModelState,
    OpinionGroups,
    max_k_for,
    select_in_conversation,
)
from machikoe.analysis.deliberation.pca import column_means, power_pca, project_participants
from machikoe.analysis.deliberation.repness import (
    VoteCounts,
    consensus_statements,
    group_informed_consensus,
    group_stats,
    prop_test,
    representative_statements,
    two_prop_test,
)
from machikoe.analysis.deliberation.votes import VoteLog, build_matrix

NAN = math.nan


def test_latest_vote_counts_and_excluded_columns_are_zeroed() -> None:
    log = VoteLog.from_events(
        [("a", 1, 1, 10.0), ("a", 1, -1, 20.0), ("b", 2, 0, 5.0), ("b", 1, 1, 6.0)]
    )
    m = build_matrix(log, excluded=[2])
    assert m.participants == ("b", "a")  # first vote order
    assert m.statements == (2, 1)
    assert m.values.tolist() == [[0.0, 1.0], [0.0, -1.0]]  # a's later disagree counts
    assert m.raw_counts.tolist() == [2, 1]  # excluded cells are not real votes
    assert m.excluded.tolist() == [True, False]


def test_vote_values_are_checked() -> None:
    with pytest.raises(ValueError):
        VoteLog.from_events([("a", 1, 2, 0.0)])


def test_prop_test_by_hand() -> None:
    # 2·sqrt(n+1)·((s+1)/(n+1) − 0.5) with s = 3, n = 4: 2·sqrt5·(4/5 − 1/2) = 0.6·sqrt5
    assert prop_test(3, 4) == pytest.approx(0.6 * math.sqrt(5))


def test_two_prop_test_by_hand() -> None:
    # +1 on all: s1 = 4, s2 = 2, n1 = 5, n2 = 6; p1 = .8, p2 = 1/3, p̂ = 6/11
    p_hat = 6 / 11
    expected = (0.8 - 1 / 3) / math.sqrt(p_hat * (1 - p_hat) * (1 / 5 + 1 / 6))
    assert two_prop_test(3, 1, 4, 5) == pytest.approx(expected)
    assert two_prop_test(4, 4, 4, 4) == 0.0  # p̂ = 1


def test_repness_and_selection_by_hand() -> None:
    # Group: 4 voters all agree on s0, all disagree on s1. Rest: 4 voters the opposite.
    group = VoteCounts(np.array([4.0, 0.0]), np.array([0.0, 4.0]), np.array([4.0, 4.0]))
    rest = VoteCounts(np.array([0.0, 4.0]), np.array([4.0, 0.0]), np.array([4.0, 4.0]))
    stats = group_stats(group, rest)
    # ra = ((4+1)/(4+2)) / ((0+1)/(4+2)) = 5
    assert stats.ra[0] == pytest.approx(5.0)
    assert stats.rd[1] == pytest.approx(5.0)
    reps = representative_statements(stats, ["s0", "s1"])
    assert [(r.statement, r.direction) for r in reps] == [("s0", "agree"), ("s1", "disagree")]
    assert reps[0].best_agree
    assert reps[0].p_success == pytest.approx(5 / 6)
    assert reps[0].repness_test == pytest.approx(float(two_prop_test(4, 0, 4, 4)))


def test_every_group_gets_one_statement_even_without_significance() -> None:
    group = VoteCounts(np.array([1.0]), np.array([0.0]), np.array([1.0]))
    rest = VoteCounts(np.array([1.0]), np.array([0.0]), np.array([1.0]))
    reps = representative_statements(group_stats(group, rest), ["only"])
    assert [r.statement for r in reps] == ["only"]


def test_excluded_statements_are_never_representative() -> None:
    group = VoteCounts(np.array([9.0, 9.0]), np.array([0.0, 0.0]), np.array([9.0, 9.0]))
    rest = VoteCounts(np.array([0.0, 0.0]), np.array([9.0, 9.0]), np.array([9.0, 9.0]))
    reps = representative_statements(
        group_stats(group, rest), ["a", "b"], excluded=np.array([True, False])
    )
    assert [r.statement for r in reps] == ["b"]


def test_consensus_by_hand() -> None:
    # s0: 9 of 10 agree → p = 10/12 > .5 and z = 2·sqrt(11)·(10/11 − .5) > 1.28
    # s1: 5 of 10 agree → p = 6/12 = .5, not > .5
    counts = VoteCounts(np.array([9.0, 5.0]), np.array([1.0, 5.0]), np.array([10.0, 10.0]))
    cons = consensus_statements(counts, ["s0", "s1"])
    assert [m.statement for m in cons["agree"]] == ["s0"]
    assert cons["agree"][0].p_success == pytest.approx(10 / 12)
    assert cons["disagree"] == []


def test_group_informed_consensus_by_hand() -> None:
    g1 = VoteCounts(np.array([3.0]), np.array([1.0]), np.array([4.0]))
    g2 = VoteCounts(np.array([1.0]), np.array([0.0]), np.array([2.0]))
    # (3+1)/(4+2) · (1+1)/(2+2) = 2/3 · 1/2 = 1/3
    assert group_informed_consensus([g1, g2])[0] == pytest.approx(1 / 3)


def test_column_mean_imputation_and_projection_scaling() -> None:
    values = np.array([[1.0, NAN], [-1.0, 1.0], [1.0, -1.0]])
    assert column_means(values).tolist() == pytest.approx([1 / 3, 0.0])
    pca = power_pca(values)
    proj = project_participants(values, pca)
    # Row 0 voted once of two: its raw projection is scaled by sqrt(2/1).
    raw = (1.0 - 1 / 3) * pca.components[:, 0]
    assert proj[0] == pytest.approx(raw * math.sqrt(2))


def test_power_pca_matches_svd() -> None:
    rng = np.random.default_rng(0)
    values = rng.choice([-1.0, 0.0, 1.0, NAN], size=(60, 12))
    pca = power_pca(values, max_iter=500, tol=1e-14)
    x = np.where(np.isnan(values), 0.0, values - column_means(values))
    _, _, vt = np.linalg.svd(x, full_matrices=False)
    for i in range(2):
        assert abs(float(np.dot(pca.components[i], vt[i]))) == pytest.approx(1.0, abs=1e-6)


def test_kmeans_two_obvious_clusters_and_warm_start_keeps_ids() -> None:
    pts = np.array([[0.0, 0.0], [0.1, 0.0], [5.0, 5.0], [5.1, 5.0]])
    names = ["a", "b", "c", "d"]
    first = kmeans(pts, names, 2)
    assert sorted(sorted(c.members) for c in first) == [["a", "b"], ["c", "d"]]
    again = kmeans(pts + 0.01, names, 2, last=first)
    assert {c.id: sorted(c.members) for c in again} == {c.id: sorted(c.members) for c in first}


def test_kmeans_warm_start_splits_off_the_farthest_point() -> None:
    pts = np.array([[0.0, 0.0], [0.0, 0.1], [9.0, 9.0]])
    last = [Cluster(7, ("a", "b", "c"), (3.0, 3.0))]
    out = kmeans(pts, ["a", "b", "c"], 2, last=last)
    assert sorted(sorted(c.members) for c in out) == [["a", "b"], ["c"]]
    assert {c.id for c in out} == {7, 8}


def test_weighted_kmeans_centre_is_weighted_mean() -> None:
    pts = np.array([[0.0, 0.0], [1.0, 0.0]])
    out = kmeans(pts, ["x", "y"], 1, weights=np.array([3.0, 1.0]))
    assert out[0].center == pytest.approx((0.25, 0.0))


def test_silhouette_by_hand() -> None:
    pts = np.array([[0.0, 0.0], [0.0, 1.0], [10.0, 0.0]])
    labels = np.array([0, 0, 1])
    # point 0: a = 1, b = 10 → .9; point 1: a = 1, b = sqrt(101) → 1 − 1/sqrt(101); point 2: singleton → 0
    expected = (0.9 + (1 - 1 / math.sqrt(101)) + 0.0) / 3
    assert silhouette(pts, labels) == pytest.approx(expected)


def test_k_smoother_switches_only_after_buffer_wins() -> None:
    s = KSmoother().update(2, 4)
    assert s.smoothed_k == 2
    for _ in range(3):
        s = s.update(3, 4)
        assert s.smoothed_k == 2
    s = s.update(3, 4)
    assert s.smoothed_k == 3
    assert s.update(2, 4).smoothed_k == 3


def test_in_conversation_rule() -> None:
    names = [f"p{i}" for i in range(20)]
    counts = np.array([7] * 16 + [6, 3, 1, 0])
    chosen = select_in_conversation(names, counts, 30)
    assert chosen == set(names[:16])
    few = select_in_conversation(names[:5], np.array([1, 2, 3, 0, 9]), 30, greedy_n=15)
    assert few == {"p0", "p1", "p2", "p4"}
    assert select_in_conversation(names, counts, 30, previous={"p18"}) >= {"p18"}
    assert max_k_for(100) == 5 and max_k_for(20) == 3


def _two_camps(n: int, seed: int = 1) -> VoteLog:
    rng = np.random.default_rng(seed)
    events = []
    for p in range(n):
        camp = p % 2
        for s in range(12):
            if rng.random() < 0.2:
                continue
            lean = 1 if (s < 6) == (camp == 0) else -1
            vote = lean if rng.random() < 0.95 else -lean
            events.append((f"p{p}", s, vote, float(p * 100 + s)))
    return VoteLog.from_events(events)


def test_pipeline_finds_two_camps_and_state_round_trips() -> None:
    log = _two_camps(80)
    model = OpinionGroups().fit(build_matrix(log))
    result = model.result_
    assert len(result.groups) == 2
    camp_of = {f"p{p}": p % 2 for p in range(80)}
    for group in result.groups:
        camps = [camp_of[str(m)] for m in group.members]
        majority = max(camps.count(0), camps.count(1))
        assert majority >= 0.95 * len(camps)
    state = ModelState.from_dict(model.state_.to_dict())
    again = OpinionGroups().fit(build_matrix(log), state).result_
    assert again.group_of == result.group_of
    data = result.to_dict()
    assert set(data) >= {"participants", "groups", "consensus", "group_informed_consensus"}


def test_too_few_voters_gives_no_groups() -> None:
    log = _two_camps(6)
    result = OpinionGroups().fit(build_matrix(log)).result_
    assert result.groups == () and result.reason == "too_few_voters"
    assert all(g is None for g in result.group_of.values())


votes_matrix = st.lists(
    st.lists(st.sampled_from([1.0, -1.0, 0.0, NAN]), min_size=6, max_size=6),
    min_size=8,
    max_size=30,
)


@settings(max_examples=30, deadline=None)
@given(votes_matrix)
def test_properties_of_any_vote_matrix(rows: list[list[float]]) -> None:
    values = np.array(rows)
    counts = VoteCounts.of(values)
    assert np.all((counts.p_agree > 0) & (counts.p_agree < 1))
    assert np.all(counts.agree + counts.disagree <= counts.seen)
    pca = power_pca(values)
    norms = np.linalg.norm(pca.components, axis=1)
    assert np.all((np.abs(norms - 1) < 1e-6) | (norms == 0))
    assert np.all(np.isfinite(project_participants(values, pca)))
    gic = group_informed_consensus([counts, counts])
    assert np.all((gic > 0) & (gic < 1))


@settings(max_examples=20, deadline=None)
@given(
    st.lists(st.tuples(st.floats(-5, 5), st.floats(-5, 5)), min_size=3, max_size=40),
    st.integers(1, 5),
)
def test_kmeans_properties(points: list[tuple[float, float]], k: int) -> None:
    pts = np.array(points)
    names = list(range(len(points)))
    clusters = kmeans(pts, names, k)
    members = [m for c in clusters for m in c.members]
    assert sorted(members) == names  # a partition
    assert 1 <= len(clusters) <= k
    if len(clusters) >= 2:
        labels = np.empty(len(points), dtype=np.int64)
        for i, c in enumerate(clusters):
            labels[list(c.members)] = i
        assert -1.0 <= silhouette(pts, labels) <= 1.0
