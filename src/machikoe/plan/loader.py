"""Loading the plan data file into the database."""

from __future__ import annotations


def load_seed_if_empty() -> bool:
    """Load the packaged seed plan when no plan exists yet. Returns True if it loaded."""
    return False
