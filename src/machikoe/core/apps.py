from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_groups(sender: Any, **kwargs: Any) -> None:
    """After the last app migrated (so every app's permissions exist), make the groups."""
    from django.apps import apps

    if sender is not list(apps.get_app_configs())[-1]:
        return
    from machikoe.core.roles import ensure_role_groups

    ensure_role_groups()


class CoreConfig(AppConfig):
    name = "machikoe.core"
    label = "core"
    verbose_name = "共通"

    def ready(self) -> None:
        post_migrate.connect(_ensure_groups, dispatch_uid="machikoe_role_groups")
