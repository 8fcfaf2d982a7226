"""Generated documentation: ``python -m caseguard.docs`` rewrites the files it owns.

``docs/cli.md`` is made from every command's ``--help``, so it cannot drift from
the code; a test fails when the file in the repository differs from what this
module makes. Capabilities with their own generated pages (rules, language) are
rewritten too when their generators exist.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

import click

from caseguard.cli import main

DOCS = Path(__file__).resolve().parents[2] / "docs"

# (file under docs/, "module:function" returning the page's Markdown)
GENERATED: tuple[tuple[str, str], ...] = (
    ("cli.md", "caseguard.docs:render_cli"),
    ("rules.md", "caseguard.standards.docs:render_markdown"),
    ("language.md", "caseguard.language.docs:render_markdown"),
    ("indicators.md", "caseguard.language.indicator_docs:render_markdown"),
)


def _help(command: click.Command, name: str) -> str:
    ctx = click.Context(
        command,
        info_name=name,
        terminal_width=88,
        max_content_width=88,
        help_option_names=["-h", "--help"],  # as the group's context_settings give every command
    )
    return command.get_help(ctx)


def render_cli() -> str:
    """The CLI reference: every command's ``--help``, in order."""
    lines = [
        "# Command line reference",
        "",
        "Generated from `caseguard --help` by `make docs`; a test fails when it is out of date.",
        "",
        "Exit codes: 0 clean, 1 findings or rejected rows, 2 usage or unreadable input.",
        "",
        "```text",
        _help(main, "caseguard"),
        "```",
    ]
    for name in sorted(main.commands):
        lines += [
            "",
            f"## caseguard {name}",
            "",
            "```text",
            _help(main.commands[name], f"caseguard {name}"),
            "```",
        ]
    return "\n".join(lines) + "\n"


def renderer(target: str) -> Callable[[], str] | None:
    module, _, func = target.partition(":")
    try:
        return getattr(importlib.import_module(module), func)  # type: ignore[no-any-return]
    except (ModuleNotFoundError, AttributeError):
        return None


def write_all() -> list[Path]:
    from caseguard.docs_examples import PAGES, render_file

    written = []
    for name in PAGES:
        path = DOCS / name
        path.write_text(render_file(path), encoding="utf-8")
        written.append(path)
    for name, target in GENERATED:
        render = renderer(target)
        if render is not None:
            path = DOCS / name
            path.write_text(render(), encoding="utf-8")
            written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all():
        print(f"written {path}")
