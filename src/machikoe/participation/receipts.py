"""Receipt numbers (受付番号): short, unguessable, readable aloud, unique."""

from __future__ import annotations

import secrets
from datetime import datetime

# Crockford-like alphabet without I, L, O, U: nothing to confuse on the phone or on paper.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_receipt_number(now: datetime) -> str:
    """E.g. '261127-7KQ4-M2ZD': date (Tokyo) then 40 random bits."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{now:%y%m%d}-{random_part[:4]}-{random_part[4:]}"
