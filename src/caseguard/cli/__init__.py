"""The ``caseguard`` command line: thin commands over the library.

Each command module registers its commands on ``main``; this module owns the one
place where a ``CaseguardError`` becomes a message and an exit code.
Exit codes: 0 clean, 1 findings or rejected rows, 2 usage or unreadable input.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import signal
import sys
import threading
from typing import Any

import click
from rich.console import Console
from rich.markup import escape

from caseguard import __version__
from caseguard.errors import CaseguardError

err_console = Console(stderr=True)

# Modules that register commands. Each owns one capability's commands.
COMMAND_MODULES = (
    "caseguard.cli.bundle_cmds",
    "caseguard.cli.demo_cmds",
    "caseguard.cli.language_cmds",
    "caseguard.cli.indicator_cmds",
    "caseguard.cli.audit_cmds",
    "caseguard.cli.report_cmds",
    "caseguard.cli.web_cmds",
    "caseguard.cli.workflow_cmds",
    "caseguard.cli.concerns_cmds",
)


class Terminated(KeyboardInterrupt):
    """SIGTERM, unwound like Ctrl-C so that every cleanup (temporary folders) runs."""


def _terminate(signum: int, frame: object) -> None:
    raise Terminated


def _on_sigterm(handler: Any) -> Any:
    """Sets the SIGTERM handler (only the main thread may); the one it replaces."""
    if handler is None or threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, handler)


JSON_ERRORS = "caseguard.json_errors"


def _quiet_stdout() -> None:
    """Points stdout at /dev/null, so that flushing it at exit raises nothing."""
    with contextlib.suppress(OSError, ValueError):  # not a real file: a test's capture
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def error_json(exc: CaseguardError) -> str:
    """``{"error": {...}}``: how a command asked for JSON reports a failure (on stdout)."""
    error: dict[str, Any] = {"message": exc.message, "exit_code": exc.exit_code}
    if exc.path:
        error["path"] = exc.path
    if exc.hint:
        error["hint"] = exc.hint
    error["kind"] = type(exc).__name__
    return json.dumps({"error": error}, ensure_ascii=False)


class Group(click.Group):
    """Turns every ``CaseguardError`` into one plain line (or, where the command was asked
    for JSON, one ``{"error": ...}`` object on stdout) and its exit code.

    SIGTERM stops a command as Ctrl-C does (exit 143): ``finally`` blocks and context
    managers run, so no temporary folder is left behind.
    """

    def invoke(self, ctx: click.Context) -> Any:
        previous = _on_sigterm(_terminate)
        try:
            return super().invoke(ctx)
        except CaseguardError as exc:
            if ctx.meta.get(JSON_ERRORS):
                click.echo(error_json(exc))
            else:
                err_console.print(
                    f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True
                )
            sys.exit(exc.exit_code)
        except BrokenPipeError:  # the reader went away (``| head``): stop quietly
            _quiet_stdout()
            sys.exit(1)
        except OSError as exc:  # a file the command writes: no folder, no permission, disk full
            where = f"{exc.filename}: " if exc.filename else ""
            err_console.print(
                f"[bold red]error:[/] {escape(where)}cannot write or read it "
                f"({escape(exc.strerror or type(exc).__name__)})",
                highlight=False,
                soft_wrap=True,
            )
            sys.exit(2)
        except Terminated:
            err_console.print("terminated")
            sys.exit(143)
        except KeyboardInterrupt:
            err_console.print("interrupted")
            sys.exit(130)
        finally:
            _on_sigterm(previous)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="caseguard")
def main() -> None:
    """Quality assurance for police investigations into child exploitation and missing children."""


def _register() -> None:
    for name in COMMAND_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a capability not built yet
            if exc.name != name:
                raise


_register()
