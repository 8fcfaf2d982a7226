"""lookup indexes: rows by case and by child, for case pages and audits

Revision ID: 0002_lookup_indexes
Revises: 0001_initial
"""

from __future__ import annotations

from alembic import op

revision = "0002_lookup_indexes"
down_revision = "0001_initial"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_cases_child_id", "cases", "child_id"),
    ("ix_notes_case_id", "notes", "case_id"),
    ("ix_actions_case_id", "actions", "case_id"),
    ("ix_missing_episodes_child_id", "missing_episodes", "child_id"),
]


def upgrade() -> None:
    for name, table, column in INDEXES:
        op.create_index(name, table, [column])


def downgrade() -> None:
    for name, table, _ in INDEXES:
        op.drop_index(name, table_name=table)
