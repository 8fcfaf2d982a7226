"""audit runs: each run, its case grades, failing findings and per-rule counts

Revision ID: 0003_audit_runs
Revises: 0002_lookup_indexes
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_audit_runs"
down_revision = "0002_lookup_indexes"
branch_labels = None
depends_on = None

TS = sa.DateTime()


def upgrade() -> None:
    op.create_table(
        "audit_runs",
        sa.Column("run_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("as_of", TS, nullable=False),
        sa.Column("rubric", sa.Text(), nullable=False),
        sa.Column("rubric_version", sa.String(40), nullable=False),
        sa.Column("lexicon_version", sa.String(40), nullable=True),
        sa.Column("started_at", TS, nullable=False),
        sa.Column("finished_at", TS, nullable=True),
        sa.Column("cases", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("children", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("episodes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("failing_findings", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("report_dir", sa.Text(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=True),
    )
    op.create_table(
        "audit_cases",
        sa.Column("run_id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.String(200), primary_key=True),
        sa.Column("category", sa.String(40), nullable=True),
        sa.Column("grade", sa.String(40), nullable=False),
        sa.Column("critical", sa.Integer(), nullable=False),
        sa.Column("major", sa.Integer(), nullable=False),
        sa.Column("minor", sa.Integer(), nullable=False),
        sa.Column("failed_rules", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_cases_run_grade", "audit_cases", ["run_id", "grade"])
    op.create_table(
        "audit_findings",
        sa.Column("finding_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("severity", sa.String(20), nullable=True),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
    )
    op.create_index(
        "ix_audit_findings_subject",
        "audit_findings",
        ["run_id", "subject_type", "subject_id", "rule"],
    )
    op.create_table(
        "audit_rule_counts",
        sa.Column("run_id", sa.Integer(), primary_key=True),
        sa.Column("rule", sa.String(40), primary_key=True),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("passed", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("not_applicable", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    for name in ("audit_rule_counts", "audit_findings", "audit_cases", "audit_runs"):
        op.drop_table(name)
