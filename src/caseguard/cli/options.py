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


def format_option(*choices: str, default: str = "text") -> Callable[[F], F]:
    def deco(func: F) -> F:
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(choices),
            default=default,
            show_default=True,
            help="Output format.",
        )(func)

    return deco
