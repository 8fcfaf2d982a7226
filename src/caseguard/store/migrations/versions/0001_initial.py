"""initial: the case bundle v1 tables, loads, rejected rows and unknown-table rows

Revision ID: 0001_initial
Revises:
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0001_initial"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(200)
WORD = sa.String(40)
TEXT = sa.Text()
TS = sa.DateTime()

# Frozen copy of the schema at this revision: (table, [(column, type, required, key)]).
BUNDLE: list[tuple[str, list[tuple[str, Any, bool, bool]]]] = [
    (
        "children",
        [
            ("child_id", ID, True, True),
            ("date_of_birth", sa.Date(), False, False),
            ("sex", WORD, False, False),
            ("looked_after", sa.Boolean(), False, False),
            ("local_authority", TEXT, False, False),
            ("display_name", TEXT, False, False),
        ],
    ),
    (
        "persons",
        [
            ("person_id", ID, True, True),
            ("date_of_birth", sa.Date(), False, False),
            ("sex", WORD, False, False),
            ("description", TEXT, False, False),
        ],
    ),
    (
        "staff",
        [("staff_id", ID, True, True), ("role", WORD, True, False), ("team", TEXT, False, False)],
    ),
    (
        "cases",
        [
            ("case_id", ID, True, True),
            ("child_id", ID, True, False),
            ("reference", TEXT, False, False),
            ("category", WORD, True, False),
            ("offence", TEXT, False, False),
            ("reported_at", TS, True, False),
            ("reporter", WORD, False, False),
            ("status", WORD, True, False),
            ("closed_at", TS, False, False),
            ("outcome", TEXT, False, False),
            ("team", TEXT, False, False),
            ("area", TEXT, False, False),
        ],
    ),
    (
        "case_persons",
        [
            ("case_id", ID, True, True),
            ("person_id", ID, True, True),
            ("role", WORD, True, True),
            ("identified_at", TS, False, False),
        ],
    ),
    (
        "notes",
        [
            ("note_id", ID, True, True),
            ("case_id", ID, True, False),
            ("author_id", ID, False, False),
            ("written_at", TS, True, False),
            ("kind", WORD, True, False),
            ("text", TEXT, True, False),
        ],
    ),
    (
        "actions",
        [
            ("action_id", ID, True, True),
            ("case_id", ID, True, False),
            ("kind", WORD, True, False),
            ("at", TS, True, False),
            ("by", ID, False, False),
            ("outcome", WORD, False, False),
            ("person_id", ID, False, False),
            ("detail", TEXT, False, False),
        ],
    ),
    (
        "missing_episodes",
        [
            ("episode_id", ID, True, True),
            ("child_id", ID, True, False),
            ("reported_at", TS, True, False),
            ("returned_at", TS, False, False),
            ("risk_grade", WORD, False, False),
            ("found_location", TEXT, False, False),
            ("found_with_person_id", ID, False, False),
            ("return_interview_offered_at", TS, False, False),
            ("return_interview_completed_at", TS, False, False),
            ("case_id", ID, False, False),
        ],
    ),
]


def upgrade() -> None:
    for name, columns in BUNDLE:
        op.create_table(
            name,
            *[sa.Column(c, t, primary_key=k, nullable=not r) for c, t, r, k in columns],
            sa.Column("extra", TEXT, nullable=True),
            sa.Column("row_hash", sa.String(32), nullable=False),
            sa.Column("load_id", sa.Integer(), nullable=False),
        )
    op.create_table(
        "loads",
        sa.Column("load_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", TEXT, nullable=False),
        sa.Column("layout", WORD, nullable=False),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("summary", TEXT, nullable=True),
    )
    op.create_table(
        "rejected_rows",
        sa.Column("rejected_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("load_id", sa.Integer(), nullable=False),
        sa.Column("table_name", sa.String(200), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("cells", TEXT, nullable=False),
        sa.Column("problems", TEXT, nullable=False),
    )
    op.create_index("ix_rejected_rows_load_id", "rejected_rows", ["load_id"])
    op.create_table(
        "extra_rows",
        sa.Column("table_name", sa.String(200), primary_key=True),
        sa.Column("row_number", sa.Integer(), primary_key=True),
        sa.Column("cells", TEXT, nullable=False),
        sa.Column("row_hash", sa.String(32), nullable=False),
        sa.Column("load_id", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for name in ["extra_rows", "rejected_rows", "loads", *[n for n, _ in reversed(BUNDLE)]]:
        op.drop_table(name)
