"""Validate a bundle row by row, collecting every problem (never stopping at the first).

The validator streams each table in dependency order (children before cases, cases
before notes, ...) and yields, for every row read, either ``Accepted`` (typed values
plus the unknown columns, kept) or ``Rejected`` (the raw cells plus every problem
found). Only the ids of accepted rows are remembered, so memory grows with the
number of ids, never with the size of the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

from caseguard.bundle.checks import ROW_CHECKS
from caseguard.bundle.idindex import IdIndex
from caseguard.bundle.layouts import Bundle, JsonlTable, RawRow, TableSource
from caseguard.bundle.schema import ID_MAX_CHARS, TABLE_BY_NAME, TABLES, Column, Table
from caseguard.bundle.values import (
    ValueProblem,
    excerpt,
    got,
    heading,
    is_empty,
    is_plain,
    reader_for,
    shape,
)
from caseguard.errors import BundleError


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem: table, row (1-based data row; CSV line number), column, reason."""

    table: str
    row: int | None
    column: str | None
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"table": self.table, "row": self.row, "column": self.column, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Accepted:
    table: str
    number: int
    values: dict[str, Any]  # every schema column, typed (None = not known)
    extra: dict[str, Any]  # unknown columns, as read


@dataclass(frozen=True, slots=True)
class Rejected:
    table: str
    number: int
    cells: dict[str, Any]
    problems: tuple[RowProblem, ...]


Outcome = Accepted | Rejected


@dataclass
class TableCount:
    read: int = 0
    accepted: int = 0
    rejected: int = 0
    known: bool = True

    def as_dict(self) -> dict[str, int]:
        return {"read": self.read, "accepted": self.accepted, "rejected": self.rejected}


@dataclass
class ValidationReport:
    """What a validation found: per-table counts and every problem."""

    bundle: str
    layout: str
    tables: dict[str, TableCount] = field(default_factory=dict)
    errors: list[RowProblem] = field(default_factory=list)
    unknown_columns: dict[str, list[str]] = field(default_factory=dict)

    @property
    def rejected(self) -> int:
        return sum(t.rejected for t in self.tables.values())

    def count(self, outcome: Outcome) -> None:
        tally = self.tables.setdefault(outcome.table, TableCount())
        tally.read += 1
        if isinstance(outcome, Accepted):
            tally.accepted += 1
        else:
            tally.rejected += 1
            self.errors.extend(outcome.problems)

    def shown_name(self, name: str) -> str:
        """A table's name as reports show it: known tables, and unknown ones named as
        plain lower-case identifiers, as they are; any other unknown table (its file or
        sheet name could be a person's name) by number and shape: ``table 2 (name
        shaped Aaa Aaaaaaaa)``."""
        count = self.tables.get(name)
        if count is None or count.known or is_plain(name):
            return name
        others = sorted(n for n, t in self.tables.items() if not t.known and not is_plain(n))
        return f"table {others.index(name) + 1} (name shaped {shape(name.strip()) or '(spaces)'})"

    def as_dict(self) -> dict[str, Any]:
        """The shape other tools read: ``{"tables": {...}, "errors": [...]}`` (plus extras)."""
        return {
            "tables": {self.shown_name(name): t.as_dict() for name, t in self.tables.items()},
            "errors": [e.as_dict() for e in self.errors],
            "bundle": self.bundle,
            "layout": self.layout,
            "unknown_tables": sorted(
                self.shown_name(n) for n, t in self.tables.items() if not t.known
            ),
            "unknown_columns": self.unknown_columns,
        }


BLOCK = 2000


class Index(Protocol):
    """Where ids seen so far are kept: ``IdIndex`` (SQLite) or ``FastIndex`` (columns)."""

    def lookup(self, table: str, ids: Iterable[str]) -> dict[str, tuple[int, bool]]: ...

    def add(self, table: str, entries: Iterable[tuple[str, int, bool]]) -> None: ...

    def close(self) -> None: ...


Cells = tuple[dict[str, Any], dict[str, Any], list[RowProblem]]
Seen = dict[str, tuple[int, bool]]


class Validator:
    """Checks rows against the schema, a block at a time.

    Ids seen so far live in a disk-backed ``IdIndex`` (first occurrence wins), so
    duplicates and references are checked without holding every id in memory.
    """

    def __init__(self, index: Index | None = None) -> None:
        self.index: Index = index if index is not None else IdIndex()

    def close(self) -> None:
        self.index.close()

    def bundle_rows(self, bundle: Bundle, report: ValidationReport) -> Iterator[Outcome]:
        """Every row of every table, in dependency order, then unknown tables."""
        try:  # the id index (a temporary folder) is removed on every way out
            require_tables(bundle, report)
            for spec in TABLES:
                if spec.name in bundle.tables:
                    yield from self.table_rows(spec, bundle.tables[spec.name], report)
            yield from unknown_rows(bundle, report)
        finally:
            self.close()

    def table_rows(
        self, spec: Table, source: TableSource, report: ValidationReport
    ) -> Iterator[Outcome]:
        report.tables.setdefault(spec.name, TableCount())
        self._check_header(spec, source, report)
        readers = readers_for(spec)
        block: list[RawRow] = []
        for raw in source.rows():
            block.append(raw)
            if len(block) >= BLOCK:
                yield from self._block(spec, block, readers)
                block = []
        if block:
            yield from self._block(spec, block, readers)

    def check_block(self, spec: Table, raws: list[RawRow], readers: Readers) -> list[Outcome]:
        """The outcome of each row of a block (rows of one table, in order)."""
        return self._block(spec, raws, readers) if raws else []

    def check_header(self, spec: Table, source: TableSource, report: ValidationReport) -> None:
        self._check_header(spec, source, report)

    def _check_header(self, spec: Table, source: TableSource, report: ValidationReport) -> None:
        if isinstance(source, JsonlTable):
            return  # JSON Lines has no header: an absent key is an empty value
        header = source.columns()
        lowered = {h.lower() for h in header}
        missing = [c.name for c in spec.columns if c.required and c.name not in lowered]
        if missing:
            raise BundleError(
                f"table '{spec.name}' has no column {', '.join(repr(m) for m in missing)}",
                path=source.shown,
                hint="every row needs it: add the column",
            )
        known = set(spec.names)
        unknown = [heading(h, n) for n, h in enumerate(header, 1) if h.lower() not in known]
        if unknown:
            report.unknown_columns[spec.name] = unknown

    def _block(
        self,
        spec: Table,
        raws: list[RawRow],
        readers: dict[str, tuple[Column, Callable[[Any], object]]],
    ) -> list[Outcome]:
        cells = [self._cells(spec, raw, readers) for raw in raws]
        keys = [row_key(spec, values) for values, _, _ in cells]
        seen = self.index.lookup(spec.name, [k for k in keys if k is not None])
        refs = self._referenced(spec, [values for values, _, _ in cells])
        outcomes: list[Outcome] = []
        first_in_block: Seen = {}
        for raw, (values, extra, problems), key in zip(raws, cells, keys, strict=True):
            problems += self._duplicate(spec, raw.number, key, seen, first_in_block)
            problems += self._references(spec, raw.number, values, refs)
            if not problems:
                problems += self._row_checks(spec, raw.number, values)
            if key is not None and key not in seen and key not in first_in_block:
                first_in_block[key] = (raw.number, not problems)
            if problems:
                outcomes.append(Rejected(spec.name, raw.number, raw.cells, tuple(problems)))
            else:
                outcomes.append(Accepted(spec.name, raw.number, values, extra))
        self.index.add(spec.name, ((k, row, ok) for k, (row, ok) in first_in_block.items()))
        return outcomes

    def _cells(
        self,
        spec: Table,
        raw: RawRow,
        readers: dict[str, tuple[Column, Callable[[Any], object]]],
    ) -> Cells:
        problems: list[RowProblem] = []
        if raw.problem:
            problems.append(RowProblem(spec.name, raw.number, None, raw.problem))
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, cell in raw.cells.items():
            key = name.lower()
            if key in values:  # JSON keys that differ only in case: never pick one
                reason = f"the key '{name}' is given twice in the row"
                problems.append(RowProblem(spec.name, raw.number, None, reason))
            elif key in readers:
                values[key] = cell
            else:
                extra[name] = cell
        for key, (column, read) in readers.items():
            values[key], problem = _read_cell(column, read, values.get(key))
            if problem:
                problems.append(RowProblem(spec.name, raw.number, key, problem))
        return values, extra, problems

    def _duplicate(
        self, spec: Table, number: int, key: str | None, seen: Seen, block: Seen
    ) -> list[RowProblem]:
        if key is None:
            return []
        first = seen.get(key) or block.get(key)
        if first is None:
            return []
        return [duplicate_problem(spec, number, key, first[0])]

    def _referenced(self, spec: Table, rows: list[dict[str, Any]]) -> dict[str, Seen]:
        """For each referenced table, the rows this block points at."""
        wanted: dict[str, set[str]] = {}
        for column in spec.columns:
            if column.ref is not None:
                ids = wanted.setdefault(column.ref.table, set())
                ids.update(v for r in rows if (v := r.get(column.name)) is not None)
        return {table: self.index.lookup(table, ids) for table, ids in wanted.items()}

    def _references(
        self, spec: Table, number: int, values: dict[str, Any], refs: dict[str, Seen]
    ) -> list[RowProblem]:
        problems = []
        for column in spec.columns:
            value = values.get(column.name)
            if column.ref is None or value is None:
                continue
            target = refs[column.ref.table].get(value)
            if target is not None and target[1]:
                continue
            reason = reference_reason(column, value, None if target is None else target[0])
            problems.append(RowProblem(spec.name, number, column.name, reason))
        return problems

    def _row_checks(self, spec: Table, number: int, values: dict[str, Any]) -> list[RowProblem]:
        return row_checks(spec, number, values)

    def read_row(self, spec: Table, raw: RawRow, readers: Readers) -> Cells:
        """A row's typed values, unknown cells and the problems of its cells alone (no
        duplicates or references: an engine that finds those itself calls this)."""
        return self._cells(spec, raw, readers)


def row_checks(spec: Table, number: int, values: dict[str, Any]) -> list[RowProblem]:
    """The table's row checks (run on a row whose cells were read without a problem)."""
    return [
        RowProblem(spec.name, number, column, reason)
        for rule in ROW_CHECKS.get(spec.name, ())
        for column, reason in rule(values)
    ]


def duplicate_problem(spec: Table, number: int, key: str, first: int) -> RowProblem:
    """Row ``number`` has the identity of row ``first``, seen before it."""
    if spec.key is None:
        return RowProblem(spec.name, number, None, "the same link is listed twice")
    reason = f"duplicate {spec.key}: row {first} has the same id"
    return RowProblem(spec.name, number, spec.key, reason)


def reference_reason(column: Column, value: str, target: int | None) -> str:
    """Why a reference fails: no such row (``target`` None), or that row was rejected."""
    assert column.ref is not None
    if target is None:
        return f"{column.name} does not exist in {column.ref.table} ({got(value)})"
    return (
        f"{column.name} refers to {column.ref.table} row "
        f"{target}, which was rejected: fix that row first"
    )


Readers = dict[str, tuple[Column, Callable[[Any], object]]]


def readers_for(spec: Table) -> Readers:
    return {c.name: (c, reader_for(c)) for c in spec.columns}


def _read_cell(column: Column, read: Callable[[Any], object], cell: Any) -> tuple[Any, str | None]:
    """The typed value of one cell, and the problem with it (or None)."""
    if is_empty(cell):
        return column.default, f"{column.name} is required but empty" if column.required else None
    if isinstance(cell, dict | list):
        return None, f"{column.name} must be one value, not a list"
    try:
        return read(cell), None
    except ValueProblem as exc:
        return None, exc.reason


def row_key(spec: Table, values: dict[str, Any]) -> str | None:
    """The row's identity in the id index (link tables join their columns)."""
    parts = [values.get(c) for c in spec.identity]
    if any(p is None for p in parts):
        return None
    return str(parts[0]) if len(parts) == 1 else "\x1f".join(str(p) for p in parts)


def validate_bundle(
    bundle: Bundle, progress: Callable[[Outcome], None] | None = None
) -> ValidationReport:
    """Validate every row of an opened bundle and return the report."""
    report = ValidationReport(bundle.path, bundle.layout)
    for outcome in Validator().bundle_rows(bundle, report):
        report.count(outcome)
        if progress is not None:
            progress(outcome)
    return report


def require_tables(bundle: Bundle, report: ValidationReport) -> None:
    """Raises when a required table is missing, or a table's name is longer than the store
    keeps (``ID_MAX_CHARS``); an absent optional table counts as empty."""
    for name in bundle.tables:
        if len(name) > ID_MAX_CHARS:
            raise BundleError(
                f"a table name is {len(name):,} characters long ('{excerpt(name)}'); "
                f"the most is {ID_MAX_CHARS}",
                path=bundle.path,
                hint="rename the file or sheet",
            )
    for spec in TABLES:
        if spec.name not in bundle.tables:
            if spec.required:
                raise BundleError(
                    f"the required table '{spec.name}' is missing",
                    path=bundle.path,
                    hint=f"add {spec.name}.csv, {spec.name}.jsonl, {spec.name}.parquet "
                    "or a sheet of that name",
                )
            report.tables[spec.name] = TableCount()


def unknown_rows(bundle: Bundle, report: ValidationReport) -> Iterator[Accepted]:
    """Rows of tables the schema does not know, accepted as they are (after the known ones)."""
    for name, source in bundle.tables.items():
        if name not in TABLE_BY_NAME:
            report.tables[name] = TableCount(known=False)
            for raw in source.rows():
                yield Accepted(name, raw.number, {}, raw.cells)
