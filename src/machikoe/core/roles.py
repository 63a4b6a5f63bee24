"""Roles: residents (any signed-up user), staff (職員: is_staff) and administrators (superusers).

Fine-grained rights are Django permissions granted to the groups made here, e.g.
`participation.view_original_text` for reading unmasked opinions.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser

STAFF_GROUP = "職員"
ADMIN_GROUP = "管理者"


def is_staff(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_staff", False))


def require_staff(actor: AbstractBaseUser | AnonymousUser | None) -> None:
    """Refuse a service call by anyone but staff (services are also called from the CLI,
    demo loaders and tasks, so the check lives here rather than in the views)."""
    if actor is None or not is_staff(actor):
        from machikoe.core.errors import NotAllowed

        raise NotAllowed("この操作は職員のみ行えます。")


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))


# Permissions given to each group, as "app_label.codename"; missing ones (an app not
# installed yet) are skipped.
STAFF_PERMISSIONS = (
    "plan.add_section",
    "plan.change_section",
    "plan.view_section",
    "plan.add_planversion",
    "plan.view_planversion",
    "plan.view_plan",
    "plan.change_glossaryterm",
    "plan.view_glossaryterm",
    "core.view_auditlog",
)


def ensure_role_groups() -> None:
    """Create the 職員 and 管理者 groups with their permissions (idempotent)."""
    from django.contrib.auth.models import Group, Permission

    wanted = [p.split(".", 1) for p in STAFF_PERMISSIONS]
    staff_perms = [
        perm
        for perm in Permission.objects.select_related("content_type")
        if [perm.content_type.app_label, perm.codename] in wanted
    ]
    staff, _ = Group.objects.get_or_create(name=STAFF_GROUP)
    staff.permissions.add(*staff_perms)
    admins, _ = Group.objects.get_or_create(name=ADMIN_GROUP)
    admins.permissions.add(*Permission.objects.all())
