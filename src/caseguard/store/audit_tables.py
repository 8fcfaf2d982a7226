"""Audit runs in the store: one row per run, each case's grade, every failing finding.

Passing and not-applicable findings are kept as counts per rule (``audit_rule_counts``);
the run's ``summary.json`` is kept whole in ``audit_runs.summary``. ``finding_id`` is a
stable id for one failing finding of one run: decisions on findings (challenge,
assign, override) refer to it, and to ``(rule, subject_type, subject_id)`` across runs.
"""

from __future__ import annotations

import sqlalchemy as sa

from caseguard.store.tables import metadata

audit_runs = sa.Table(
    "audit_runs",
    metadata,
    sa.Column("run_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("source", sa.Text(), nullable=False),
    sa.Column("as_of", sa.DateTime(), nullable=False),
    sa.Column("rubric", sa.Text(), nullable=False),
    sa.Column("rubric_version", sa.String(40), nullable=False),
    sa.Column("lexicon_version", sa.String(40), nullable=True),
    sa.Column("started_at", sa.DateTime(), nullable=False),
    sa.Column("finished_at", sa.DateTime(), nullable=True),
    sa.Column("cases", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("children", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("episodes", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("failing_findings", sa.Integer(), nullable=False, server_default="0"),
    sa.Column("report_dir", sa.Text(), nullable=True),
    sa.Column("summary", sa.Text(), nullable=True),
)

audit_cases = sa.Table(
    "audit_cases",
    metadata,
    sa.Column("run_id", sa.Integer(), primary_key=True),
    sa.Column("case_id", sa.String(200), primary_key=True),
    sa.Column("category", sa.String(40), nullable=True),
    sa.Column("grade", sa.String(40), nullable=False),
    sa.Column("critical", sa.Integer(), nullable=False),
    sa.Column("major", sa.Integer(), nullable=False),
    sa.Column("minor", sa.Integer(), nullable=False),
    sa.Column("failed_rules", sa.Text(), nullable=False),
)

audit_findings = sa.Table(
    "audit_findings",
    metadata,
    sa.Column("finding_id", sa.Integer(), primary_key=True, autoincrement=True),
    sa.Column("run_id", sa.Integer(), nullable=False),
    sa.Column("rule", sa.String(40), nullable=False),
    sa.Column("subject_type", sa.String(20), nullable=False),
    sa.Column("subject_id", sa.String(200), nullable=False),
    sa.Column("status", sa.String(20), nullable=False),
    sa.Column("severity", sa.String(20), nullable=True),
    sa.Column("message", sa.Text(), nullable=False),
    sa.Column("evidence", sa.Text(), nullable=False),  # JSON list of record ids
)

audit_rule_counts = sa.Table(
    "audit_rule_counts",
    metadata,
    sa.Column("run_id", sa.Integer(), primary_key=True),
    sa.Column("rule", sa.String(40), primary_key=True),
    sa.Column("subject_type", sa.String(20), nullable=False),
    sa.Column("passed", sa.Integer(), nullable=False),
    sa.Column("failed", sa.Integer(), nullable=False),
    sa.Column("not_applicable", sa.Integer(), nullable=False),
)

sa.Index("ix_audit_cases_run_grade", audit_cases.c.run_id, audit_cases.c.grade)
sa.Index(
    "ix_audit_findings_subject",
    audit_findings.c.run_id,
    audit_findings.c.subject_type,
    audit_findings.c.subject_id,
    audit_findings.c.rule,
)
sa.Index(  # the case list sorted by grade, worst first (migration 0006_web_speed)
    "ix_audit_cases_run_grade_rank",
    audit_cases.c.run_id,
    audit_cases.c.grade,
    audit_cases.c.critical.desc(),
    audit_cases.c.major.desc(),
    audit_cases.c.case_id,
)
sa.Index("ix_audit_cases_case", audit_cases.c.case_id)  # a case across runs
sa.Index("ix_audit_findings_case", audit_findings.c.subject_id, audit_findings.c.subject_type)
