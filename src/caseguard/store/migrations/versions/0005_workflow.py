"""workflow: decisions on findings; causes of concern, recommendations and measures

Revision ID: 0005_workflow
Revises: 0004_web_workspace
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_workflow"
down_revision = "0004_web_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "finding_decisions",
        sa.Column("decision_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("finding_id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(40), nullable=False),
        sa.Column("subject_type", sa.String(20), nullable=False),
        sa.Column("subject_id", sa.String(200), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("decision", sa.String(30), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("assignee", sa.String(200), nullable=True),
        sa.Column("due", sa.Date(), nullable=True),
        sa.Column("status", sa.String(20), nullable=True),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("actor_role", sa.String(20), nullable=False),
        sa.Column("actor_staff_id", sa.String(200), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index(
        "ix_finding_decisions_key", "finding_decisions", ["rule", "subject_type", "subject_id"]
    )
    op.create_index("ix_finding_decisions_finding", "finding_decisions", ["finding_id"])
    op.create_table(
        "concerns",
        sa.Column("concern_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )
    op.create_table(
        "recommendations",
        sa.Column("recommendation_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("concern_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
    )
    op.create_table(
        "measures",
        sa.Column("measure_id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("recommendation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("target_of", sa.String(40), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=True),
        sa.Column("teams", sa.Text(), nullable=True),
        sa.Column("areas", sa.Text(), nullable=True),
    )


def downgrade() -> None:
    for name in ("measures", "recommendations", "concerns", "finding_decisions"):
        op.drop_table(name)
