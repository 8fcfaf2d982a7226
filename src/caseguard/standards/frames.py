"""The tables a rule reads, as Polars frames for one chunk of children.

A chunk holds a set of children with all their cases, actions, notes, links and
missing episodes, so every rule can be computed within it. What crosses chunks
(the reference time *now*, the supervisors, the persons who are suspects in any
cse or cce case) comes from a global pre-pass and is passed in; the persons a
chunk's children were found with come with the chunk (``persons``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import polars as pl

TS = pl.Datetime("us")

# The columns the audit reads from each bundle table, typed.
COLUMNS: dict[str, dict[str, pl.DataType]] = {
    "children": {"child_id": pl.String(), "date_of_birth": pl.Date(), "display_name": pl.String()},
    "staff": {"staff_id": pl.String(), "role": pl.String()},
    "persons": {"person_id": pl.String(), "date_of_birth": pl.Date(), "sex": pl.String()},
    "cases": {
        "case_id": pl.String(),
        "child_id": pl.String(),
        "category": pl.String(),
        "reported_at": TS,
        "status": pl.String(),
        "closed_at": TS,
        "team": pl.String(),
        "area": pl.String(),
    },
    "case_persons": {
        "case_id": pl.String(),
        "person_id": pl.String(),
        "role": pl.String(),
        "identified_at": TS,
    },
    "notes": {
        "note_id": pl.String(),
        "case_id": pl.String(),
        "author_id": pl.String(),
        "written_at": TS,
        "kind": pl.String(),
        "text": pl.String(),
    },
    "actions": {
        "action_id": pl.String(),
        "case_id": pl.String(),
        "kind": pl.String(),
        "at": TS,
        "outcome": pl.String(),
        "person_id": pl.String(),
        "detail": pl.String(),
    },
    "missing_episodes": {
        "episode_id": pl.String(),
        "child_id": pl.String(),
        "reported_at": TS,
        "returned_at": TS,
        "risk_grade": pl.String(),
        "found_with_person_id": pl.String(),
        "found_location": pl.String(),
        "return_interview_offered_at": TS,
        "case_id": pl.String(),
    },
}
CHUNKED = ("children", "cases", "case_persons", "notes", "actions", "missing_episodes")
SUPERVISOR_ROLES = ("supervisor", "manager")
SIGNS = "exploitation_signs"  # Frames.shared key: each indicator EXPLOITATION_IDENTIFIED found

LANG_FINDINGS = {
    "note_id": pl.String(),
    "case_id": pl.String(),
    "written_at": TS,
    "entry_id": pl.String(),
    "match": pl.String(),
    "start": pl.Int64(),
    "shown": pl.String(),  # the match as outputs show it: names taken out (audit.names)
}
LANG_REVIEWS = {
    "note_id": pl.String(),
    "case_id": pl.String(),
    "written_at": TS,
    "challenges": pl.List(pl.String()),
    "clean": pl.Boolean(),
}


def empty(table: str) -> pl.DataFrame:
    return pl.DataFrame(schema=COLUMNS[table])


def typed(table: str, frame: pl.DataFrame | None) -> pl.DataFrame:
    """``frame`` with exactly the audit's columns of ``table`` (missing ones null)."""
    if frame is None:
        return empty(table)
    schema = COLUMNS[table]
    return frame.select(
        [
            pl.col(c).cast(t) if c in frame.columns else pl.lit(None, dtype=t).alias(c)
            for c, t in schema.items()
        ]
    )


@dataclass
class Frames:
    """One chunk's tables plus the global context the rules need."""

    cases: pl.DataFrame
    actions: pl.DataFrame
    notes: pl.DataFrame
    case_persons: pl.DataFrame
    episodes: pl.DataFrame
    children: pl.DataFrame
    now: dt.datetime
    suspects: pl.Series  # person ids that are suspects in any cse or cce case (global)
    persons: pl.DataFrame = field(default_factory=lambda: empty("persons"))  # found-with adults
    lang_findings: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LANG_FINDINGS))
    lang_reviews: pl.DataFrame = field(default_factory=lambda: pl.DataFrame(schema=LANG_REVIEWS))
    results: dict[str, pl.DataFrame] = field(default_factory=dict)
    shared: dict[str, pl.DataFrame] = field(default_factory=dict)  # what one rule hands on

    @classmethod
    def build(
        cls,
        tables: Mapping[str, pl.DataFrame | None],
        *,
        now: dt.datetime,
        supervisors: Collection[str],
        suspects: Collection[str],
    ) -> Frames:
        """Frames from raw tables: adds each case's end of open period and supervisor flags."""
        cases = typed("cases", tables.get("cases")).with_columns(
            end=pl.when(pl.col("status") == "closed")
            .then(pl.coalesce("closed_at", pl.lit(now, dtype=TS)))
            .otherwise(pl.lit(now, dtype=TS)),
            closed=pl.col("status") == "closed",
        )
        notes = typed("notes", tables.get("notes")).with_columns(
            supervisor=pl.col("author_id").is_in(
                pl.Series(list(supervisors), dtype=pl.String).implode()
            )
        )
        return cls(
            cases=cases,
            actions=typed("actions", tables.get("actions")).with_columns(
                pl.col("outcome").fill_null("done")
            ),
            notes=notes,
            case_persons=typed("case_persons", tables.get("case_persons")),
            episodes=typed("missing_episodes", tables.get("missing_episodes")),
            children=typed("children", tables.get("children")),
            now=now,
            suspects=pl.Series("person_id", sorted(suspects), dtype=pl.String),
            persons=typed("persons", tables.get("persons")),
        )
