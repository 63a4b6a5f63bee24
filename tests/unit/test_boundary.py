"""The analysis library never imports Django (it must run in a notebook or the CLI alone)."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import importlib, pkgutil, sys
import machikoe.analysis as root
for info in pkgutil.walk_packages(root.__path__, root.__name__ + "."):
    importlib.import_module(info.name)
leaked = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print("LEAKED" if leaked else "CLEAN", leaked[:5])
"""


def test_analysis_modules_do_not_import_django() -> None:
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=300
    )
    assert result.stdout.startswith("CLEAN"), result.stdout + result.stderr
