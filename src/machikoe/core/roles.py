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


def is_admin(user: AbstractBaseUser | AnonymousUser) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_superuser", False))
