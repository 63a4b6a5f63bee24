"""Helpers shared by the command modules: Django start-up and error output."""

from __future__ import annotations

import os
import sys
from typing import NoReturn

from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "machikoe.project.settings")
    import django

    django.setup()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print a message to stderr and exit non-zero."""
    err_console.print(f"[bold red]エラー:[/] {message}", highlight=False)
    sys.exit(code)
