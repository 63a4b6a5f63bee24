from __future__ import annotations

import inspect

import pytest

from machikoe.analysis.listening import Registry, stages
from machikoe.analysis.listening.cluster import CLUSTERERS
from machikoe.analysis.listening.dedupe import DEDUPERS
from machikoe.analysis.listening.label import LABELERS
from machikoe.analysis.listening.mapping import MAPPERS
from machikoe.analysis.listening.normalize import NORMALIZERS
from machikoe.analysis.listening.split import SPLITTERS
from machikoe.analysis.listening.vectorize import VECTORIZERS, get_vectorizer
from machikoe.core.errors import ValidationFailed


def test_every_kind_of_stage_has_a_no_op() -> None:
    for kind, names in stages().items():
        assert "none" in names, kind


def test_unknown_name_is_refused_with_the_known_names() -> None:
    with pytest.raises(ValidationFailed) as info:
        VECTORIZERS.create("bert-large")
    assert "fast" in info.value.message and "quality" in info.value.message


def test_registering_twice_is_an_error() -> None:
    registry: Registry[object] = Registry("thing")
    registry.register("a")(object)
    with pytest.raises(ValueError):
        registry.register("a")(object)
    assert registry.names() == ["a"]
    assert "a" in registry and "b" not in registry


def test_auto_is_not_a_backend() -> None:
    with pytest.raises(ValidationFailed):
        get_vectorizer("auto")


@pytest.mark.parametrize(
    "registry", [NORMALIZERS, SPLITTERS, DEDUPERS, VECTORIZERS, CLUSTERERS, LABELERS, MAPPERS]
)
def test_estimator_contract_init_only_stores_parameters(registry: Registry) -> None:
    """__init__ stores its parameters unchanged under the same names and learns nothing."""
    for name in registry.names():
        stage = registry.create(name)
        learned = [k for k in vars(stage) if k.endswith("_") and not k.startswith("_")]
        assert learned == [], (name, learned)
        for param in inspect.signature(type(stage).__init__).parameters.values():
            if param.name in ("self", "_") or param.kind in (
                param.VAR_KEYWORD,
                param.VAR_POSITIONAL,
            ):
                continue
            assert getattr(stage, param.name) == param.default, (name, param.name)


def test_optional_backends_fail_only_when_used_with_a_hint() -> None:
    st = get_vectorizer("sentence-transformers")  # building it is fine
    with pytest.raises(ValidationFailed) as info:
        st.transform(["こんにちは"])
    assert "model_path" in info.value.message
    api = get_vectorizer("openai")
    with pytest.raises(ValidationFailed) as info:
        api.transform(["こんにちは"])
    assert "base_url" in info.value.message
