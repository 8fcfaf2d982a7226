"""The case records a report draws on, read from a bundle or a store.

The audit's output files say *what* was found; chronologies, timeliness and the
missing-children picture need the records themselves. ``load_case_data`` reads
them from the bundle (folder, ``.xlsx`` or ``.zip``) or the store the audit ran
on, keeping only accepted rows, into small typed records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

from caseguard.errors import UsageError
from caseguard.privacy.secrets import looks_like_conninfo


@dataclass(frozen=True, slots=True)
class Child:
    child_id: str
    date_of_birth: dt.date | None = None
    sex: str | None = None
    looked_after: bool | None = None
    local_authority: str | None = None
    display_name: str | None = None


@dataclass(frozen=True, slots=True)
class Case:
    case_id: str
    child_id: str
    category: str
    reported_at: dt.datetime
    status: str
    reference: str | None = None
    offence: str | None = None
    closed_at: dt.datetime | None = None
    team: str | None = None
    area: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    note_id: str
    case_id: str
    written_at: dt.datetime
    kind: str
    text: str
    author_id: str | None = None


@dataclass(frozen=True, slots=True)
class Action:
    action_id: str
    case_id: str
    kind: str
    at: dt.datetime
    outcome: str | None = None
    by: str | None = None
    person_id: str | None = None
    detail: str | None = None


@dataclass(frozen=True, slots=True)
class Episode:
    episode_id: str
    child_id: str
    reported_at: dt.datetime
    returned_at: dt.datetime | None = None
    risk_grade: str | None = None
    found_with_person_id: str | None = None
    return_interview_offered_at: dt.datetime | None = None
    return_interview_completed_at: dt.datetime | None = None
    case_id: str | None = None


@dataclass(frozen=True, slots=True)
class CasePerson:
    case_id: str
    person_id: str
    role: str
    identified_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class Staff:
    staff_id: str
    role: str
    team: str | None = None


R = TypeVar("R")

_RECORDS: dict[str, type[Any]] = {
    "children": Child,
    "cases": Case,
    "notes": Note,
    "actions": Action,
    "missing_episodes": Episode,
    "case_persons": CasePerson,
    "staff": Staff,
}


def _make(cls: type[R], values: dict[str, Any]) -> R:
    return cls(**{f.name: values.get(f.name) for f in fields(cls)})  # type: ignore[arg-type]


@dataclass
class CaseData:
    """Every accepted record, with the lookups reports need."""

    source: str
    children: dict[str, Child] = field(default_factory=dict)
    cases: dict[str, Case] = field(default_factory=dict)
    staff: dict[str, Staff] = field(default_factory=dict)
    notes: dict[str, list[Note]] = field(default_factory=lambda: defaultdict(list))
    actions: dict[str, list[Action]] = field(default_factory=lambda: defaultdict(list))
    episodes: dict[str, list[Episode]] = field(default_factory=lambda: defaultdict(list))
    case_persons: list[CasePerson] = field(default_factory=list)

    def add(self, table: str, values: dict[str, Any]) -> None:
        cls = _RECORDS.get(table)
        if cls is None:
            return
        record = _make(cls, values)
        if isinstance(record, Child):
            self.children[record.child_id] = record
        elif isinstance(record, Case):
            self.cases[record.case_id] = record
        elif isinstance(record, Staff):
            self.staff[record.staff_id] = record
        elif isinstance(record, Note):
            self.notes[record.case_id].append(record)
        elif isinstance(record, Action):
            self.actions[record.case_id].append(record)
        elif isinstance(record, Episode):
            self.episodes[record.child_id].append(record)
        elif isinstance(record, CasePerson):
            self.case_persons.append(record)

    def cases_of(self, child_id: str) -> list[Case]:
        return sorted(
            (c for c in self.cases.values() if c.child_id == child_id),
            key=lambda c: c.reported_at,
        )

    def is_supervisor(self, staff_id: str | None) -> bool:
        staff = self.staff.get(staff_id or "")
        return staff is not None and staff.role in ("supervisor", "manager")

    def latest_moment(self) -> dt.datetime | None:
        """The latest timestamp anywhere: the audit's *now* when none was given."""
        moments = list(self._moments())
        return max(moments) if moments else None

    def _moments(self) -> Iterator[dt.datetime]:
        for case in self.cases.values():
            yield case.reported_at
            if case.closed_at:
                yield case.closed_at
        for notes in self.notes.values():
            yield from (n.written_at for n in notes)
        for actions in self.actions.values():
            yield from (a.at for a in actions)
        for episodes in self.episodes.values():
            for e in episodes:
                yield from (
                    m
                    for m in (e.reported_at, e.returned_at, e.return_interview_offered_at)
                    if m is not None
                )


def load_case_data(source: str | Path) -> CaseData:
    """Read a bundle (path) or a store (SQLite file ending ``.db``/``.sqlite`` or URL)."""
    text = str(source)
    if _looks_like_store(text):
        return _from_rows(text, _store_rows(text))
    return _from_rows(text, _bundle_rows(text))


def _looks_like_store(text: str) -> bool:
    if "://" in text or looks_like_conninfo(text):
        return True
    return Path(text).suffix.lower() in (".db", ".sqlite", ".sqlite3")


def _from_rows(source: str, rows: Iterable[tuple[str, dict[str, Any]]]) -> CaseData:
    data = CaseData(source)
    for table, values in rows:
        data.add(table, values)
    return data


def _bundle_rows(path: str) -> Iterator[tuple[str, dict[str, Any]]]:
    from caseguard.bundle import Accepted, ValidationReport, Validator, open_bundle

    if not Path(path).exists():
        raise UsageError("the case data was not found", path=path)
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        for outcome in Validator().bundle_rows(bundle, report):
            if isinstance(outcome, Accepted) and outcome.table in _RECORDS:
                yield outcome.table, outcome.values


def _store_rows(url: str) -> Iterator[tuple[str, dict[str, Any]]]:
    import sqlalchemy as sa

    from caseguard.store import Store
    from caseguard.store.tables import BUNDLE_TABLES

    if "://" not in url and not looks_like_conninfo(url) and not Path(url).exists():
        raise UsageError("the store was not found", path=url)
    with Store.open(url, migrate_now=False) as store, store.engine.connect() as conn:
        for name in _RECORDS:
            for row in conn.execute(sa.select(BUNDLE_TABLES[name])).mappings():
                yield name, dict(row)
