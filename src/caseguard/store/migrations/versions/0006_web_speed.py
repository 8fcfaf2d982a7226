"""web speed: indexes for the sorted case list, a case across runs, a child's network

Revision ID: 0006_web_speed
Revises: 0005_workflow

``ix_audit_cases_run_grade_rank`` gives the case list sorted by grade (worst first)
straight from the index, one grade at a time; ``ix_audit_cases_case`` and
``ix_audit_findings_case`` give one case's grades and failing findings in every run
(its history); ``ix_cases_team`` a team's cases; the two person indexes let a child's
network find the other children an adult is linked to without scanning
``case_persons`` or ``missing_episodes``.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_web_speed"
down_revision = "0005_workflow"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index(
        "ix_audit_cases_run_grade_rank",
        "audit_cases",
        ["run_id", "grade", sa.text("critical DESC"), sa.text("major DESC"), "case_id"],
    )
    op.create_index("ix_audit_cases_case", "audit_cases", ["case_id"])
    op.create_index("ix_audit_findings_case", "audit_findings", ["subject_id", "subject_type"])
    op.create_index("ix_cases_team", "cases", ["team"])
    op.create_index("ix_case_persons_person_id", "case_persons", ["person_id"])
    op.create_index("ix_missing_episodes_found_with", "missing_episodes", ["found_with_person_id"])


def downgrade() -> None:
    op.drop_index("ix_missing_episodes_found_with", table_name="missing_episodes")
    op.drop_index("ix_case_persons_person_id", table_name="case_persons")
    op.drop_index("ix_cases_team", table_name="cases")
    op.drop_index("ix_audit_findings_case", table_name="audit_findings")
    op.drop_index("ix_audit_cases_case", table_name="audit_cases")
    op.drop_index("ix_audit_cases_run_grade_rank", table_name="audit_cases")
