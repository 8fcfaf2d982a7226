"""Options shared by many commands, declared once."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import click

F = TypeVar("F", bound=Callable[..., object])


def db_option(func: F) -> F:
    """``--db URL``: the store (SQLite file path or URL; ``CASEGUARD_DB`` by default)."""
    return click.option(
        "--db",
        "db",
        envvar="CASEGUARD_DB",
        default=None,
        metavar="URL",
        help=(
            "Store: a SQLite file, a postgresql:// URL or a libpq connection string "
            "(default: $CASEGUARD_DB or caseguard.db)."
        ),
    )(func)


def _json_errors(ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """With a JSON format, errors are JSON too (see ``caseguard.cli.Group``)."""
    if value in ("json", "jsonl"):
        ctx.find_root().meta["caseguard.json_errors"] = True
    return value


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    """``--format``: how the command writes its output (text, json, ...); with JSON,
    an error is written as ``{"error": {...}}`` on stdout too."""

    def deco(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            is_eager=True,
            callback=_json_errors,
            help="Output format (with json, errors are JSON too).",
        )(func)

    return deco


def report_options(func: F) -> F:
    """``--pages`` and ``--inadequate-listed``: what the report writes beyond itself."""
    func = click.option(
        "--inadequate-listed",
        "listed",
        type=click.IntRange(min=0),
        default=100,
        show_default=True,
        metavar="N",
        help="Inadequate cases listed in the report, most serious first "
        "(every one is in inadequate.csv and inadequate.xlsx).",
    )(func)
    return click.option(
        "--pages",
        type=click.Choice(["all", "inadequate", "none"]),
        default=None,
        help="Case and child pages to write (default: all up to 5,000 cases, none above).",
    )(func)
