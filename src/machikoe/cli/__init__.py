"""The `machikoe` command. Each area adds its commands in its own module (`register(app)`).

Library commands (furigana, mask-pii, analyze, deliberate, ebpm evaluate) do not start
Django; platform commands call `setup_django()` first.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="machikoe",
    help="まちの声（machikoe）: 参加と協働による計画づくりのプラットフォーム",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

COMMAND_MODULES = ("serve", "plan", "text", "participation", "listening", "deliberation", "ebpm")

for _name in COMMAND_MODULES:
    importlib.import_module(f"machikoe.cli.{_name}").register(app)


def main() -> None:
    app()
