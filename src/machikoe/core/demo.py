"""Demo data: each app may offer `machikoe.<app>.demo.load_demo(stdout)`; this runs them all."""

from __future__ import annotations

import importlib
from collections.abc import Callable

DEMO_APPS = ("plan", "participation", "listening", "deliberation", "ebpm")


def load_all_demo_data(report: Callable[[str], None] = print) -> None:
    for app in DEMO_APPS:
        try:
            module = importlib.import_module(f"machikoe.{app}.demo")
        except ModuleNotFoundError:
            continue
        loader = getattr(module, "load_demo", None)
        if loader is not None:
            loader(report)
