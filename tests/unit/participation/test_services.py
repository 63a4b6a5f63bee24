"""Services: submission rules, masking, signals, moderation, originals, tokens."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from machikoe.analysis.text.pii import PiiSpan
from machikoe.core.errors import NotAllowed, ValidationFailed
from machikoe.core.models import AuditLog
from machikoe.participation import selectors, services
from machikoe.participation.models import Channel, Consultation, Opinion
from machikoe.participation.signals import opinion_created

pytestmark = pytest.mark.django_db


def submit(c: Consultation, body: str = "公園を増やしてほしい。", **kw: Any) -> Opinion:
    client_key = kw.pop("client_key", "")
    return services.submit_opinion(c, services.OpinionInput(body=body, **kw), client_key=client_key)


def test_submit_masks_and_stores(consultation: Consultation) -> None:
    o = submit(
        consultation, "山田太郎です。電話は03-1234-5678です。", age_band="30s", district="kinuta"
    )
    o.refresh_from_db()
    assert o.body == "山田太郎です。電話は03-1234-5678です。"
    assert o.masked_body == "［氏名］です。電話は［電話番号］です。"
    assert [s["category"] for s in o.masked_spans] == ["person_name", "phone"]
    assert o.status == Opinion.Status.PENDING
    assert o.receipt_number and Opinion.objects.filter(receipt_number=o.receipt_number).count() == 1
    assert (o.age_band, o.district, o.channel) == ("30s", "kinuta", Channel.WEB)


def test_signal_is_sent_after_commit(
    consultation: Consultation, django_capture_on_commit_callbacks: Any
) -> None:
    received: list[Opinion] = []

    def receiver(sender: Any, opinion: Opinion, **_: Any) -> None:
        received.append(opinion)

    opinion_created.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            o = submit(consultation)
        assert received == []  # nothing before the commit
        for callback in callbacks:
            callback()
        assert [r.pk for r in received] == [o.pk]
    finally:
        opinion_created.disconnect(receiver)


@pytest.mark.parametrize(
    "shift, code",
    [(timedelta(days=5), "closed"), (timedelta(days=-20), "closed")],
)
def test_outside_the_period_nothing_is_accepted(
    consultation: Consultation, shift: timedelta, code: str
) -> None:
    now = timezone.now()
    if shift > timedelta(0):
        consultation.opens_at, consultation.closes_at = now + shift, now + shift * 2
    else:
        consultation.opens_at, consultation.closes_at = now + shift * 2, now + shift
    consultation.save()
    with pytest.raises(ValidationFailed) as err:
        submit(consultation)
    assert err.value.code == code and err.value.field == "consultation"
    assert Opinion.objects.count() == 0
    # staff may still enter paper forms received on time
    assert submit(consultation, channel=Channel.PAPER).pk


def test_channel_switched_off(consultation: Consultation) -> None:
    consultation.channels = [Channel.WEB]
    consultation.save()
    with pytest.raises(ValidationFailed) as err:
        submit(consultation, channel=Channel.API)
    assert err.value.field == "channel"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"body": "   "}, "body"),
        ({"body": "あ" * 4001}, "body"),
        ({"age_band": "teen"}, "age_band"),
        ({"district": "渋谷"}, "district"),
        ({"relation": "x"}, "relation"),
        ({"section_code": "Z9"}, "section_code"),
    ],
)
def test_validation_names_the_field(
    consultation: Consultation, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationFailed) as err:
        submit(consultation, **{"body": "意見です", **kwargs})
    assert err.value.field == field
    assert Opinion.objects.count() == 0


def test_length_message_is_clear(consultation: Consultation) -> None:
    with pytest.raises(ValidationFailed) as err:
        submit(consultation, "あ" * 4001)
    assert "4,000字以内" in err.value.message and "4,001字" in err.value.message


def test_duplicate_from_same_client_is_refused(consultation: Consultation) -> None:
    submit(consultation, "同じ意見です", client_key="abc")
    with pytest.raises(ValidationFailed) as err:
        submit(consultation, "同じ　意見です ", client_key="abc")
    assert err.value.code == "duplicate"
    submit(consultation, "同じ意見です", client_key="other")
    assert Opinion.objects.count() == 2


def test_moderation_is_audited_and_changes_public_list(
    consultation: Consultation, staff: Any
) -> None:
    o = submit(consultation)
    assert list(selectors.public_opinions(consultation)) == []
    services.moderate(staff, o, "approve")
    assert [x.pk for x in selectors.public_opinions(consultation)] == [o.pk]
    services.moderate(staff, o, "hide", "spam")
    o.refresh_from_db()
    assert o.status == "hidden" and o.hidden_label() == "非公開（スパム）"
    assert list(selectors.public_opinions(consultation)) == []
    assert [x.pk for x in selectors.public_opinions(consultation, include_hidden=True)] == [o.pk]
    services.moderate(staff, o, "restore")
    o.refresh_from_db()
    assert o.status == "approved" and o.hidden_reason == ""
    actions = list(AuditLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        "participation.opinion.approve",
        "participation.opinion.hide",
        "participation.opinion.restore",
    ]
    with pytest.raises(ValidationFailed):
        services.moderate(staff, o, "hide", "bad-reason")
    with pytest.raises(ValidationFailed):
        services.moderate(staff, o, "restore")


def test_moderation_needs_staff(consultation: Consultation, resident: Any) -> None:
    o = submit(consultation)
    with pytest.raises(NotAllowed):
        services.moderate(resident, o, "approve")
    with pytest.raises(NotAllowed):
        services.moderate(None, o, "approve")


def test_original_needs_permission_and_is_audited(
    consultation: Consultation, staff: Any, officer: Any
) -> None:
    o = submit(consultation, "佐藤花子です")
    with pytest.raises(NotAllowed):
        services.read_original(staff, o)
    assert AuditLog.objects.count() == 0
    assert services.read_original(officer, o, purpose="確認") == "佐藤花子です"
    entry = AuditLog.objects.get()
    assert (entry.action, entry.actor_id, entry.object_id) == (
        "participation.opinion.view_original",
        officer.pk,
        str(o.pk),
    )


def test_staff_correct_masking(consultation: Consultation, officer: Any, staff: Any) -> None:
    o = submit(consultation, "北沢の森田です。")
    spans = [PiiSpan(0, 2, "address"), PiiSpan(3, 5, "person_name")]
    with pytest.raises(NotAllowed):
        services.correct_masking(staff, o, spans)
    services.correct_masking(officer, o, [PiiSpan(3, 5, "person_name")])
    o.refresh_from_db()
    assert o.masked_body == "北沢の［氏名］です。" and o.masking_corrected
    log = AuditLog.objects.get(action="participation.opinion.correct_masking")
    assert log.after["masked_body"] == "北沢の［氏名］です。"
    assert "森田" not in str(log.before) + str(log.after)
    with pytest.raises(ValidationFailed):
        services.correct_masking(officer, o, [PiiSpan(0, 3, "phone"), PiiSpan(2, 4, "email")])


def test_report_opinion(consultation: Consultation) -> None:
    o = submit(consultation)
    r1 = services.report_opinion(o, "abuse", "ひどい", client_key="k")
    r2 = services.report_opinion(o, "spam", client_key="k")
    assert r1.pk == r2.pk
    with pytest.raises(ValidationFailed):
        services.report_opinion(o, "nope")
    assert selectors.open_reports(consultation).count() == 1


def test_api_tokens(staff: Any, resident: Any) -> None:
    token, key = services.create_api_token(staff, staff, "集計用")
    assert key.startswith("mk_") and token.key_hash != key
    assert services.authenticate_token(key) == staff
    assert services.authenticate_token("mk_wrong") is None
    with pytest.raises(ValidationFailed):
        services.create_api_token(staff, resident, "x")
    services.revoke_api_token(staff, token)
    assert services.authenticate_token(key) is None


def test_consultation_create_update_audited(staff: Any, resident: Any) -> None:
    now = timezone.now()
    fields = {"slug": "c2", "title": "題", "opens_at": now, "closes_at": now + timedelta(days=1)}
    with pytest.raises(NotAllowed):
        services.create_consultation(resident, **fields)
    c = services.create_consultation(staff, **fields)
    with pytest.raises(ValidationFailed) as err:
        services.update_consultation(staff, c, closes_at=now - timedelta(days=1))
    assert err.value.field == "closes_at"
    services.update_consultation(staff, Consultation.objects.get(pk=c.pk), title="新しい題")
    assert Consultation.objects.get(pk=c.pk).title == "新しい題"
    assert AuditLog.objects.filter(action__startswith="participation.consultation").count() == 2
    with pytest.raises(ValidationFailed):
        services.create_consultation(staff, **fields)


def test_statistics_count_hidden_and_youth(consultation: Consultation, staff: Any) -> None:
    submit(
        consultation, "a", age_band="junior_high", district="setagaya", channel=Channel.YOUTH_WEB
    )
    submit(consultation, "b", age_band="40s", district="setagaya")
    o = submit(consultation, "c", age_band="high_school")
    services.moderate(staff, o, "hide", "abuse")
    stats = selectors.statistics(consultation)
    assert stats["total"] == 3 and stats["youth"] == 2
    assert stats["youth_share"] == pytest.approx(2 / 3)
    assert {r["key"]: r["count"] for r in stats["by_district"]}["setagaya"] == 2
    assert {r["key"]: r["count"] for r in stats["by_channel"]}["youth_web"] == 1
    assert stats["by_status"]["hidden"] == 1
    assert sum(d["count"] for d in stats["by_day"]) == 3
