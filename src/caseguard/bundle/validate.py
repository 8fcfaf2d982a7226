"""Validate a bundle row by row, collecting every problem (never stopping at the first).

The validator streams each table in dependency order (children before cases, cases
before notes, ...) and yields, for every row read, either ``Accepted`` (typed values
plus the unknown columns, kept) or ``Rejected`` (the raw cells plus every problem
found). Only the ids of accepted rows are remembered, so memory grows with the
number of ids, never with the size of the rows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from caseguard.bundle.checks import ROW_CHECKS
from caseguard.bundle.layouts import Bundle, JsonlTable, RawRow, TableSource
from caseguard.bundle.schema import TABLE_BY_NAME, TABLES, Column, Table
from caseguard.bundle.values import ValueProblem, excerpt, is_empty, reader_for
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

    def as_dict(self) -> dict[str, Any]:
        """The shape other tools read: ``{"tables": {...}, "errors": [...]}`` (plus extras)."""
        return {
            "tables": {name: t.as_dict() for name, t in self.tables.items()},
            "errors": [e.as_dict() for e in self.errors],
            "bundle": self.bundle,
            "layout": self.layout,
            "unknown_tables": sorted(n for n, t in self.tables.items() if not t.known),
            "unknown_columns": self.unknown_columns,
        }


class Validator:
    """Checks rows against the schema; remembers accepted and rejected ids for references."""

    def __init__(self) -> None:
        self.accepted_ids: dict[str, dict[str, int]] = {}
        self.rejected_ids: dict[str, dict[str, int]] = {}
        self.seen_links: set[tuple[str, ...]] = set()

    def bundle_rows(self, bundle: Bundle, report: ValidationReport) -> Iterator[Outcome]:
        """Every row of every table, in dependency order, then unknown tables."""
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
                continue
        for spec in TABLES:
            if spec.name in bundle.tables:
                yield from self.table_rows(spec, bundle.tables[spec.name], report)
        for name, source in bundle.tables.items():
            if name not in TABLE_BY_NAME:
                report.tables[name] = TableCount(known=False)
                for raw in source.rows():
                    yield Accepted(name, raw.number, {}, raw.cells)

    def table_rows(
        self, spec: Table, source: TableSource, report: ValidationReport
    ) -> Iterator[Outcome]:
        report.tables.setdefault(spec.name, TableCount())
        check = self._row_checker(spec, source, report)
        for raw in source.rows():
            yield check(raw)

    def _row_checker(
        self, spec: Table, source: TableSource, report: ValidationReport
    ) -> Callable[[RawRow], Outcome]:
        known = {c.name: c for c in spec.columns}
        if not isinstance(source, JsonlTable):
            header = source.columns()
            lowered = {h.lower(): h for h in header}
            missing = [c.name for c in spec.columns if c.required and c.name not in lowered]
            if missing:
                raise BundleError(
                    f"table '{spec.name}' has no column {', '.join(repr(m) for m in missing)}",
                    path=source.shown,
                    hint="every row needs it: add the column",
                )
            unknown = [h for h in header if h.lower() not in known]
            if unknown:
                report.unknown_columns[spec.name] = unknown
        readers = {c.name: (c, reader_for(c)) for c in spec.columns}
        ids = self.accepted_ids.setdefault(spec.name, {})
        rejected_ids = self.rejected_ids.setdefault(spec.name, {})

        def check(raw: RawRow) -> Outcome:
            values, extra, problems = self._cells(spec, raw, readers)
            if not problems:
                problems = self._relations(spec, raw.number, values, ids)
            if problems:
                if spec.key and values.get(spec.key) is not None:
                    rejected_ids.setdefault(values[spec.key], raw.number)
                return Rejected(spec.name, raw.number, raw.cells, tuple(problems))
            if spec.key:
                ids[values[spec.key]] = raw.number
            return Accepted(spec.name, raw.number, values, extra)

        return check

    def _cells(
        self,
        spec: Table,
        raw: RawRow,
        readers: dict[str, tuple[Column, Callable[[Any], object]]],
    ) -> tuple[dict[str, Any], dict[str, Any], list[RowProblem]]:
        problems: list[RowProblem] = []
        if raw.problem:
            problems.append(RowProblem(spec.name, raw.number, None, raw.problem))
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, cell in raw.cells.items():
            key = name.lower()
            if key not in readers:
                extra[name] = cell
                continue
            values[key] = cell
        for key, (column, read) in readers.items():
            cell = values.get(key)
            if is_empty(cell):
                values[key] = column.default
                if column.required:
                    problems.append(
                        RowProblem(spec.name, raw.number, key, f"{key} is required but empty")
                    )
                continue
            if isinstance(cell, dict | list):
                values[key] = None
                problems.append(
                    RowProblem(spec.name, raw.number, key, f"{key} must be one value, not a list")
                )
                continue
            try:
                values[key] = read(cell)
            except ValueProblem as exc:
                values[key] = None
                problems.append(RowProblem(spec.name, raw.number, key, exc.reason))
        return values, extra, problems

    def _relations(
        self, spec: Table, number: int, values: dict[str, Any], ids: dict[str, int]
    ) -> list[RowProblem]:
        problems: list[RowProblem] = []
        if spec.key:
            first = ids.get(values[spec.key])
            if first is not None:
                problems.append(
                    RowProblem(
                        spec.name,
                        number,
                        spec.key,
                        f"duplicate {spec.key} {excerpt(values[spec.key])!r}: "
                        f"row {first} has the same id",
                    )
                )
        else:
            link = tuple(str(values[c]) for c in spec.identity)
            if link in self.seen_links:
                problems.append(
                    RowProblem(spec.name, number, None, "the same link is listed twice")
                )
            else:
                self.seen_links.add(link)
        for column in spec.columns:
            problem = self._reference(spec, column, values)
            if problem:
                problems.append(RowProblem(spec.name, number, column.name, problem))
        for rule in ROW_CHECKS.get(spec.name, ()):
            problems.extend(RowProblem(spec.name, number, c, r) for c, r in rule(values))
        return problems

    def _reference(self, spec: Table, column: Column, values: dict[str, Any]) -> str | None:
        ref = column.ref
        value = values.get(column.name)
        if ref is None or value is None:
            return None
        if value in self.accepted_ids.get(ref.table, {}):
            return None
        rejected_at = self.rejected_ids.get(ref.table, {}).get(value)
        if rejected_at is not None:
            return (
                f"{column.name} {excerpt(value)!r} refers to {ref.table} row {rejected_at}, "
                "which was rejected: fix that row first"
            )
        return f"{column.name} {excerpt(value)!r} does not exist in {ref.table}"


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
