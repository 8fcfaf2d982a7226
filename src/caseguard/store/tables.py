"""The store's tables, derived from the bundle schema.

Each bundle table becomes a store table with the same columns, typed, plus:
``extra`` (the row's unknown columns, as JSON text), ``row_hash`` (to tell changed
rows from unchanged ones on reload) and ``load_id`` (the load that last wrote it).
``loads`` records each load, ``rejected_rows`` keeps every rejected row with its
problems, and ``extra_rows`` keeps the rows of tables the schema does not know.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from caseguard.bundle.schema import ID_MAX_CHARS, TABLES, Column, Kind

metadata = sa.MetaData()

_TYPES: dict[Kind, Any] = {
    Kind.ID: sa.String(ID_MAX_CHARS),
    Kind.TEXT: sa.Text(),
    Kind.TIMESTAMP: sa.DateTime(),
    Kind.DATE: sa.Date(),
    Kind.BOOL: sa.Boolean(),
    Kind.VOCAB: sa.String(40),
}


def _column(col: Column, primary: bool) -> sa.Column[object]:
    return sa.Column(col.name, _TYPES[col.kind], primary_key=primary, nullable=not col.required)


def _bundle_table(spec_name: str) -> sa.Table:
    spec = next(t for t in TABLES if t.name == spec_name)
    identity = set(spec.identity)
    cols: list[sa.Column[object]] = [_column(c, c.name in identity) for c in spec.columns]
    cols += [
        sa.Column("extra", sa.Text(), nullable=True),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
    ]
    return sa.Table(spec.name, metadata, *cols)


BUNDLE_TABLES: dict[str, sa.Table] = {t.name: _bundle_table(t.name) for t in TABLES}

loads = sa.Table(
    "loads",
    metadata,
    sa.Column("load_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("layout", sa.String(40), nullable=False),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=True),
    sa.Column("summary", sa.Text(), nullable=True),
)

rejected_rows = sa.Table(
    "rejected_rows",
    metadata,
    sa.Column("rejected_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("load_id", sa.Integer(), nullable=False, index=True),
    sa.Column("table_name", sa.String(ID_MAX_CHARS), nullable=False),
    sa.Column("row_number", sa.Integer(), nullable=False),
    sa.Column("cells", sa.Text(), nullable=False),
    sa.Column("problems", sa.Text(), nullable=False),
)

extra_rows = sa.Table(
    "extra_rows",
    metadata,
    sa.Column("table_name", sa.String(ID_MAX_CHARS), primary_key=True),
    sa.Column("row_number", sa.Integer(), primary_key=True),
    sa.Column("cells", sa.Text(), nullable=False),
    sa.Column("row_hash", sa.String(32), nullable=False),
    sa.Column("load_id", sa.Integer(), nullable=False),
)

# Lookup indexes (migration 0002_lookup_indexes).
sa.Index("ix_cases_child_id", BUNDLE_TABLES["cases"].c.child_id)
sa.Index("ix_notes_case_id", BUNDLE_TABLES["notes"].c.case_id)
sa.Index("ix_actions_case_id", BUNDLE_TABLES["actions"].c.case_id)
sa.Index("ix_missing_episodes_child_id", BUNDLE_TABLES["missing_episodes"].c.child_id)
# A child's network: the other children an adult is linked to (migration 0006_web_speed).
sa.Index("ix_case_persons_person_id", BUNDLE_TABLES["case_persons"].c.person_id)
sa.Index("ix_missing_episodes_found_with", BUNDLE_TABLES["missing_episodes"].c.found_with_person_id)
sa.Index("ix_cases_team", BUNDLE_TABLES["cases"].c.team)
