"""Test set-up shared by every test: a private data folder and the shared data location."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DIR = Path(os.environ.get("MACHIKOE_SHARED_DIR", REPO_ROOT.parent / "shared"))
SEED_FILE = SHARED_DIR / "seed" / "000_5af82924fcec8af0.txt"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """`../shared` (read-only in CI): the seed and the real public data sets."""
    if not SHARED_DIR.exists():
        pytest.fail(f"shared data folder not found: {SHARED_DIR} (set MACHIKOE_SHARED_DIR)")
    return SHARED_DIR


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")
