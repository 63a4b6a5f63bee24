"""Registries of pipeline stages: a stage is chosen by a registered name, never by type name.

Each kind of stage (normaliser, splitter, ...) has one `Registry`. Optional backends register
a factory that imports their dependency only when built, so a missing package fails only
when that backend is used, with the command that installs it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

from machikoe.core.errors import ValidationFailed

T = TypeVar("T")


class Registry(Generic[T]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._factories: dict[str, Callable[..., T]] = {}

    def register(self, name: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
        """Decorator: `@NORMALIZERS.register("nfkc")` on a class or factory function."""

        def add(factory: Callable[..., T]) -> Callable[..., T]:
            if name in self._factories:
                raise ValueError(f"{self.kind} {name!r} is already registered")
            self._factories[name] = factory
            return factory

        return add

    def names(self) -> list[str]:
        return sorted(self._factories)

    def __contains__(self, name: object) -> bool:
        return name in self._factories

    def create(self, name: str, **params: Any) -> T:
        try:
            factory = self._factories[name]
        except KeyError:
            raise ValidationFailed(
                f"{self.kind}「{name}」はありません。使えるもの: {', '.join(self.names())}",
                code="unknown_stage",
                field=self.kind,
            ) from None
        return factory(**params)
