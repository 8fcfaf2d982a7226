"""Options shared by many commands, declared once."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from caseguard.bundle.archive import ZipLimits, size_text, zip_limits

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


def _out_problem(path: Path, folder: bool | None) -> str | None:
    """Why ``path`` cannot be written (its folder made where missing), or None."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the folder {path.parent} ({exc.strerror or exc})"
    if folder is True and path.exists() and not path.is_dir():
        return f"{path} exists and is not a folder"
    if folder is False and path.is_dir():
        return f"{path} is a folder, not a file"
    return None


def out_path(
    folder: bool | None = None,
) -> Callable[[click.Context, click.Parameter, object], object]:
    """A callback for ``--out``: makes the missing folders above the path (as ``mkdir -p``)
    before any work, or fails with exit code 2 saying why it cannot (a file where a folder
    should be, no permission). ``folder``: the path must be a folder (True), a file (False)
    or either (None)."""

    def check(ctx: click.Context, param: click.Parameter, value: object) -> object:
        if isinstance(value, Path) and (problem := _out_problem(value, folder)):
            raise click.BadParameter(problem, ctx, param)
        return value

    return check


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


_UNITS = {"": 1, "k": 10**3, "m": 10**6, "g": 10**9, "t": 10**12}
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?)b?\s*$", re.IGNORECASE)


class ByteSize(click.ParamType[int, object]):
    """A size in bytes: ``20GiB``, ``500MB``, ``1.5G`` or a plain number of bytes."""

    name = "SIZE"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> int:
        if isinstance(value, int):
            return value
        match = _SIZE.match(str(value))
        if match is None:
            self.fail(f"{value!r} is not a size (e.g. 20GiB, 500MB, 1048576)", param, ctx)
        number, unit, binary = match.groups()
        scale = (
            1024 ** "kmgt".index(unit.lower()) * 1024 if unit and binary else _UNITS[unit.lower()]
        )
        return int(float(number) * scale)


def zip_limit_options(func: F) -> F:
    """``--zip-max-bytes``, ``--zip-max-members``, ``--zip-max-ratio``: how far a ``.zip``
    bundle or ``.xlsx`` workbook may unpack; the command runs within these limits."""
    defaults = ZipLimits()

    @functools.wraps(func)
    def run(
        *args: object,
        zip_max_bytes: int,
        zip_max_members: int,
        zip_max_ratio: float,
        **kwargs: object,
    ) -> object:
        with zip_limits(ZipLimits(zip_max_bytes, zip_max_members, zip_max_ratio)):
            return func(*args, **kwargs)

    options = [
        click.option(
            "--zip-max-bytes",
            type=ByteSize(),
            default=defaults.max_bytes,
            help=f"Refuse a .zip or .xlsx that unpacks to more than SIZE "
            f"(default {size_text(defaults.max_bytes)}).",
        ),
        click.option(
            "--zip-max-members",
            type=click.IntRange(min=1),
            default=defaults.max_members,
            show_default=True,
            metavar="N",
            help="Refuse a .zip or .xlsx of more than N files.",
        ),
        click.option(
            "--zip-max-ratio",
            type=click.FloatRange(min=1),
            default=defaults.max_ratio,
            show_default=True,
            metavar="N",
            help="Refuse a zip member that grows more than N times its compressed size.",
        ),
    ]
    wrapped: F = run  # type: ignore[assignment]
    for option in reversed(options):
        wrapped = option(wrapped)
    return wrapped


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


def case_data_options(func: F) -> F:
    """``--data``, ``--identify`` and ``--key-file``: which case data a command reads beside
    an audit folder, and how it shows the people in it (pseudonyms unless ``--identify``)."""
    options = [
        click.option(
            "--data",
            "data_source",
            default=None,
            metavar="BUNDLE_OR_DB",
            help="The bundle or store the audit ran on (default: as the audit recorded).",
        ),
        click.option(
            "--identify",
            is_flag=True,
            help="Show names and record ids instead of pseudonyms (marked IDENTIFIABLE).",
        ),
        click.option(
            "--key-file",
            type=click.Path(path_type=Path),
            default=None,
            help=(
                "Pseudonym key file, yours and writable only by you (default: "
                "$CASEGUARD_PSEUDONYM_KEY, else pseudonym.key above the output folder)."
            ),
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func
