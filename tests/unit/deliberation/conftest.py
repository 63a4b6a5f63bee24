from __future__ import annotations

from typing import Any

import pytest

from machikoe.deliberation import services
from machikoe.deliberation.models import Conversation, Participant


@pytest.fixture
def staff(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user("staff", password="pw-12345-long", is_staff=True)


@pytest.fixture
def conversation(staff: Any) -> Conversation:
    conv = services.create_conversation(
        staff, slug="test-conv", title="テストの熟議", question="公園をどうしますか？"
    )
    for text in ("公園にベンチを増やす。", "公園でボール遊びを認める。", "公園の木を増やす。"):
        services.add_seed_statement(conv, staff, text)
    return conv


@pytest.fixture
def participant(conversation: Conversation) -> Participant:
    p = services.participant_for(conversation)
    assert p is not None
    return p
