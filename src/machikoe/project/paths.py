"""Where machikoe keeps its files: one data folder, chosen by MACHIKOE_DATA_DIR."""

from __future__ import annotations

import os
import secrets
import sys
import tempfile
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The writable folder for the SQLite file, the secret key, uploads and reports.

    MACHIKOE_DATA_DIR, else `./var`; a test run (pytest loaded) gets a fresh temporary folder
    so tests never touch a real installation's files.
    """
    configured = os.environ.get("MACHIKOE_DATA_DIR")
    if not configured and "pytest" in sys.modules:
        configured = tempfile.mkdtemp(prefix="machikoe-test-")
        os.environ["MACHIKOE_DATA_DIR"] = configured
    path = Path(configured or Path.cwd() / "var").expanduser().resolve()
    path.mkdir(parents=True, exist_ok=True)
    return path


def secret_key() -> str:
    """The secret key from MACHIKOE_SECRET_KEY, else from a file made on first start.

    The key is never in the code: a fresh install writes a random one (mode 0600).
    """
    from_env = os.environ.get("MACHIKOE_SECRET_KEY")
    if from_env:
        return from_env
    key_file = data_dir() / "secret_key"
    if not key_file.exists():
        fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(64))
    return key_file.read_text().strip()
