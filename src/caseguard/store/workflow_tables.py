"""Acting on findings: decisions (challenge, not victim-blaming, assign, override) and
causes of concern with their recommendations and measures.

A decision refers to the finding it was made on (``finding_id``, one run's row) and to
its key across runs, ``(rule, subject_type, subject_id)`` with the finding's
``evidence`` as it was then, so that an override is kept across re-audits and flagged
for a fresh look when the evidence changes.
"""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.store.tables import metadata

finding_decisions = sa.Table(
    "finding_decisions",
    metadata,
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

concerns = sa.Table(
    "concerns",
    metadata,
    sa.Column("concern_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("title", sa.Text(), nullable=False),
    sa.Column("detail", sa.Text(), nullable=True),
    sa.Column("created_by", sa.String(80), nullable=False),
    sa.Column("created_at", sa.DateTime(), nullable=False),
)

recommendations = sa.Table(
    "recommendations",
    metadata,
    sa.Column("recommendation_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("concern_id", sa.Integer(), nullable=False),
    sa.Column("text", sa.Text(), nullable=False),
    sa.Column("owner", sa.String(200), nullable=False),
    sa.Column("deadline", sa.Date(), nullable=False),
)

measures = sa.Table(
    "measures",
    metadata,
    sa.Column("measure_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("recommendation_id", sa.Integer(), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # rule_failure | grade_share
    sa.Column("target_of", sa.String(40), nullable=False),  # a rule id or a grade
    sa.Column("target", sa.Float(), nullable=False),  # at most this share (0..1)
    sa.Column("categories", sa.Text(), nullable=True),  # ;-separated
    sa.Column("teams", sa.Text(), nullable=True),
    sa.Column("areas", sa.Text(), nullable=True),
)

sa.Index(
    "ix_finding_decisions_key",
    finding_decisions.c.rule,
    finding_decisions.c.subject_type,
    finding_decisions.c.subject_id,
)
sa.Index("ix_finding_decisions_finding", finding_decisions.c.finding_id)
