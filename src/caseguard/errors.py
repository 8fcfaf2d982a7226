"""One exception root for everything caseguard reports to a person.

Every entry point (CLI command, web route) catches ``CaseguardError`` and turns it
into a message and an exit code; a user never sees a traceback. Messages name the
file, table, row and column, never the contents of a record.
"""

from __future__ import annotations

from dataclasses import dataclass


class CaseguardError(Exception):
    """Base of every error caseguard raises on purpose."""

    exit_code = 2

    def __init__(self, message: str, *, path: str | None = None, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.hint = hint

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{hint}"


class UsageError(CaseguardError):
    """The command was asked for something it cannot do."""


class BundleError(CaseguardError):
    """A bundle, or a file in it, cannot be read at all."""


class StoreError(CaseguardError):
    """The store could not be opened, migrated or written."""


class AuditError(CaseguardError):
    """The audit could not finish (e.g. a worker process stopped)."""


class ConfigError(CaseguardError):
    """A rubric, lexicon or other settings file is invalid."""

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None) -> None:
        super().__init__(message if key is None else f"{key}: {message}", path=path)
        self.key = key


@dataclass(frozen=True, slots=True)
class Location:
    """Where in a bundle a problem is: table, 1-based row (CSV: line number), column."""

    table: str
    row: int | None = None
    column: str | None = None
