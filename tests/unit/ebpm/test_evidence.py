"""Qualitative evidence: broad-listening topics and masked opinions of the same perspective."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from machikoe.ebpm.evidence import NO_RESULTS, for_perspective

pytestmark = pytest.mark.django_db


def _run(published: bool) -> Any:
    """A finished analysis run: 3 opinions, two about V5 (one of them V5-1), one about V2."""
    from machikoe.listening.models import AnalysisRun, RunCluster, RunRow
    from machikoe.participation.models import Consultation, Opinion

    now = timezone.now()
    consultation = Consultation.objects.create(
        slug="kihon", title="基本計画（素案）", opens_at=now, closes_at=now
    )
    texts = [
        (
            "ごみの分別を○○さん（090-xxxx）に教わった。",
            "ごみの分別を［氏名］さん（［電話番号］）に教わった。",
            ["V5-1"],
        ),
        ("公園の木を増やしてほしい。", "公園の木を増やしてほしい。", ["V5"]),
        ("避難所が遠い。", "避難所が遠い。", ["V2"]),
    ]
    run = AnalysisRun.objects.create(
        consultation=consultation,
        number=1,
        status=AnalysisRun.Status.SUCCEEDED,
        published=published,
    )
    RunCluster.objects.create(run=run, key="t0", label="ごみと資源", size=1)
    RunCluster.objects.create(run=run, key="t1", label="みどりと公園", size=1)
    RunCluster.objects.create(run=run, key="t2", label="防災", size=1)
    for number, (body, masked, codes) in enumerate(texts):
        opinion = Opinion.objects.create(
            consultation=consultation,
            receipt_number=f"R-{number}",
            channel="web",
            body=body,
            masked_body=masked,
            status="approved",
            submitted_at=now,
        )
        RunRow.objects.create(run=run, opinion=opinion, topic=f"t{number}", perspectives=codes)
    return run


def test_no_results_yet() -> None:
    evidence = for_perspective("V5", AnonymousUser())
    assert not evidence.available and evidence.message == NO_RESULTS


def test_topics_and_masked_opinions_of_a_perspective(staff: Any) -> None:
    _run(published=True)
    evidence = for_perspective("V5", AnonymousUser())
    assert evidence.available
    assert (evidence.matched, evidence.total) == (2, 3)
    assert {t["label"] for t in evidence.topics} == {"ごみと資源", "みどりと公園"}
    texts = [o["text"] for o in evidence.opinions]
    assert "ごみの分別を［氏名］さん（［電話番号］）に教わった。" in texts
    assert not any("090" in t or "○○" in t for t in texts)  # never the original text
    assert for_perspective("V3", AnonymousUser()).matched == 0


def test_unpublished_runs_are_for_staff_only(staff: Any) -> None:
    _run(published=False)
    assert not for_perspective("V5", AnonymousUser()).available
    assert for_perspective("V5", staff).available


def test_indicator_page_shows_the_evidence(client: Any, plan: Any) -> None:
    from machikoe.ebpm import services
    from machikoe.ebpm.models import Indicator

    _run(published=True)
    services.import_file(
        "id,name,unit,direction,baseline_year,baseline_value,target_year,target_value,section\n"
        "G1,みどり率,%,up,2021,24.38,2032,33,V5-2\n".encode(),
        "i.csv",
    )
    html = client.get(f"/ebpm/indicators/{Indicator.objects.get().pk}/").content.decode()
    assert "みどりと公園" in html and "公園の木を増やしてほしい。" in html
    assert "090-xxxx" not in html and "○○さん" not in html


def test_dashboard_and_logic_model_show_voices_per_perspective(client: Any, plan: Any) -> None:
    from machikoe.ebpm.evidence import for_perspectives

    _run(published=True)
    found = for_perspectives(["V5", "V2", "V3"], AnonymousUser())
    assert (found["V5"].matched, found["V2"].matched, found["V3"].matched) == (2, 1, 0)
    html = client.get("/ebpm/").content.decode()
    assert "この視点に関係する意見 2 件" in html and "みどりと公園" in html
    assert "まだ分析結果がありません" in html  # V1, V3, …
    logic = client.get("/ebpm/logic-model/").content.decode()
    assert 'id="lm-V5"' in logic and "公園の木を増やしてほしい。" in logic
