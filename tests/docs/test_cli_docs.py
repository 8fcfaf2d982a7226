"""The CLI reference in docs/ is generated from the code; it fails when it drifts."""

from __future__ import annotations

from caseguard.cli import main
from caseguard.docs import DOCS, render_cli


def test_cli_reference_is_up_to_date() -> None:
    assert (DOCS / "cli.md").read_text(encoding="utf-8") == render_cli(), "run `make docs`"


def test_every_command_has_help_text() -> None:
    for name, command in main.commands.items():
        assert command.help and len(command.help.strip()) > 20, name
