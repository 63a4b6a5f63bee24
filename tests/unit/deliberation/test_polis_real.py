"""Agreement with Polis' own groups on a real conversation, and the export reader."""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from machikoe.analysis.deliberation.model import replay
from machikoe.analysis.deliberation.polis_io import PolisFormatError, read_export

RED_DWARF_ARI_SEATTLE = 0.459  # ../shared/data/polis/BASELINES.md


def test_groups_agree_with_polis_on_seattle(shared_dir: Path) -> None:
    export = read_export(shared_dir / "data" / "polis" / "15-per-hour-seattle")
    assert len(export.votes) == 2995 and len({(v.voter, v.comment) for v in export.votes}) == 2872
    result = replay(export.vote_log(), excluded=export.moderated_out).result_
    common = [
        p for p, g in export.groups.items() if g is not None and result.group_of.get(p) is not None
    ]
    assert len(common) >= 130
    ari = adjusted_rand_score(
        [export.groups[p] for p in common], [result.group_of[p] for p in common]
    )
    assert ari >= max(0.8, RED_DWARF_ARI_SEATTLE)
    assert len(result.groups) == 2
    assert result.to_dict()["participants"]["0"] is not None


def test_missing_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    )
    with pytest.raises(PolisFormatError) as err:
        read_export(tmp_path)
    assert err.value.file == "votes.csv"


def test_bad_header_and_multiline_comment_line_numbers(tmp_path: Path) -> None:
    (tmp_path / "comments.csv").write_text(
        "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
        '1,x,0,1,0,0,1,"two\nlines"\n'
        "2,x,x1,1,0,0,1,bad id\n"
    )
    (tmp_path / "votes.csv").write_text("timestamp,comment-id,vote\n")
    with pytest.raises(PolisFormatError) as err:
        read_export(tmp_path)
    assert (err.value.file, err.value.line, err.value.column) == ("comments.csv", 4, "comment-id")
