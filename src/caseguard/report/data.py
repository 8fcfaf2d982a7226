"""The case records a report draws on, read from a bundle or a store.

The audit's output files say *what* was found; chronologies, timeliness and the
missing-children picture need the records themselves. ``load_case_data`` reads
them from the bundle (folder, ``.xlsx`` or ``.zip``) or the store the audit ran
on, keeping only accepted rows, into small typed records.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from caseguard.errors import UsageError
from caseguard.privacy.secrets import looks_like_conninfo

BATCH = 50_000


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
    _child_cases: dict[str, list[Case]] | None = field(default=None, repr=False)
    _indexed: int = field(default=-1, repr=False)
    _case_links: dict[str, list[CasePerson]] | None = field(default=None, repr=False)

    def person_ids(self) -> set[str]:
        """Every adult a report can name: linked to a case, or a child was found with."""
        linked = {p.person_id for p in self.case_persons}
        found = {
            e.found_with_person_id
            for episodes in self.episodes.values()
            for e in episodes
            if e.found_with_person_id
        }
        return linked | found

    def add_frame(self, table: str, frame: pl.DataFrame) -> None:
        """Every row of a typed frame of ``table`` as records (columns it lacks are None)."""
        cls = _RECORDS.get(table)
        if cls is None or not frame.height:
            return
        columns = [
            frame[f.name].to_list() if f.name in frame.columns else [None] * frame.height
            for f in fields(cls)
        ]
        for values in zip(*columns, strict=True):
            self._keep(cls(*values))

    def add(self, table: str, values: dict[str, Any]) -> None:
        cls = _RECORDS.get(table)
        if cls is not None:
            self._keep(_make(cls, values))

    def _keep(self, record: Any) -> None:
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
        """A child's cases, earliest first (an index built once: not a scan per child)."""
        return self._by_child().get(child_id, [])

    def _by_child(self) -> dict[str, list[Case]]:
        if self._child_cases is None or self._indexed != len(self.cases):
            index: dict[str, list[Case]] = defaultdict(list)
            for case in self.cases.values():
                index[case.child_id].append(case)
            for cases in index.values():
                cases.sort(key=lambda c: c.reported_at)
            self._child_cases, self._indexed = dict(index), len(self.cases)
        return self._child_cases

    def subset(self, child_ids: list[str]) -> CaseData:
        """The records of these children only (their cases, notes, actions, episodes,
        links), with every member of staff: what their pages need."""
        part = CaseData(self.source, staff=self.staff)
        part.children = {c: self.children[c] for c in child_ids if c in self.children}
        part.cases = {c.case_id: c for child in child_ids for c in self.cases_of(child)}
        for case_id in part.cases:
            if case_id in self.notes:
                part.notes[case_id] = self.notes[case_id]
            if case_id in self.actions:
                part.actions[case_id] = self.actions[case_id]
        for child_id in child_ids:
            if child_id in self.episodes:
                part.episodes[child_id] = self.episodes[child_id]
        links = self._links()
        part.case_persons = [p for case_id in part.cases for p in links.get(case_id, ())]
        return part

    def _links(self) -> dict[str, list[CasePerson]]:
        if self._case_links is None:
            index: dict[str, list[CasePerson]] = defaultdict(list)
            for link in self.case_persons:
                index[link.case_id].append(link)
            self._case_links = dict(index)
        return self._case_links

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
    """Read a bundle (path) or a store (SQLite file ending ``.db``/``.sqlite`` or URL).

    A bundle is read a block at a time through the vectorised validator (the one the
    audit stages with), a store a batch of rows at a time; either way records are
    made from whole columns, never validated again row by row.
    """
    text = str(source)
    data = CaseData(text)
    frames = _store_frames(text) if looks_like_store(text) else _bundle_frames(text)
    for table, frame in frames:
        data.add_frame(table, frame)
    return data


def frames_of(
    source: str | Path, tables: tuple[str, ...] | None = None
) -> Iterator[tuple[str, pl.DataFrame]]:
    """The accepted rows of a bundle or store, a frame (block) at a time."""
    text = str(source)
    frames = _store_frames(text) if looks_like_store(text) else _bundle_frames(text)
    for table, frame in frames:
        if tables is None or table in tables:
            yield table, frame


def looks_like_store(text: str) -> bool:
    if "://" in text or looks_like_conninfo(text):
        return True
    return Path(text).suffix.lower() in (".db", ".sqlite", ".sqlite3")


def _bundle_frames(path: str) -> Iterator[tuple[str, pl.DataFrame]]:
    from caseguard.bundle import ValidationReport, open_bundle
    from caseguard.bundle.fast import FastValidator

    if not Path(path).exists():
        raise UsageError("the case data was not found", path=path)
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        for table, frame in FastValidator().bundle_frames(bundle, report):
            if table in _RECORDS:
                yield table, frame


def _store_frames(url: str) -> Iterator[tuple[str, pl.DataFrame]]:
    import sqlalchemy as sa

    from caseguard.store import Store
    from caseguard.store.tables import BUNDLE_TABLES

    if "://" not in url and not looks_like_conninfo(url) and not Path(url).exists():
        raise UsageError("the store was not found", path=url)
    with Store.open(url, migrate_now=False) as store, store.engine.connect() as conn:
        for name, cls in _RECORDS.items():
            table = BUNDLE_TABLES[name]
            names = [f.name for f in fields(cls) if f.name in table.c]
            query = sa.select(*(table.c[n] for n in names))
            result = conn.execution_options(stream_results=True, yield_per=BATCH).execute(query)
            for rows in result.partitions():
                rows_ = [tuple(r) for r in rows]
                yield (
                    name,
                    pl.DataFrame(rows_, schema=names, orient="row", infer_schema_length=None),
                )
