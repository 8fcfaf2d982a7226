"""Causes of concern: a measure's monthly series from the runs in the store, and status."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from pypdf import PdfReader

from caseguard.cli import main
from caseguard.errors import UsageError
from caseguard.store import Store
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_runs
from caseguard.workflow.concerns import (
    MeasureSpec,
    RecommendationSpec,
    concern_views,
    create_concern,
    monthly_runs,
)
from caseguard.workflow.measures import MeasureStatus

FAILING = [30, 9, 8, 9]  # SEEN failing, of 100 cases, by month: met three months running


def _runs(engine: sa.Engine) -> None:
    """Four monthly runs of 100 cases (and a second, earlier run in the first month)."""
    with engine.begin() as conn:
        for month, failing in [(1, 50), *enumerate(FAILING, start=1)]:
            as_of = dt.datetime(2025, month, 28)
            run_id = conn.execute(
                audit_runs.insert().values(
                    source="synthetic",
                    as_of=as_of,
                    rubric="default",
                    rubric_version="v1",
                    started_at=as_of,
                    finished_at=as_of,
                    cases=100,
                )
            ).inserted_primary_key[0]  # type: ignore[index]
            cases = [f"C{n:03d}" for n in range(100)]
            conn.execute(
                audit_cases.insert(),
                [
                    {
                        "run_id": run_id,
                        "case_id": c,
                        "category": "cse" if n % 2 else "cce",
                        "grade": "inadequate" if n < failing else "good",
                        "critical": 0,
                        "major": int(n < failing),
                        "minor": 0,
                        "failed_rules": "SEEN" if n < failing else "",
                    }
                    for n, c in enumerate(cases)
                ],
            )
            conn.execute(
                audit_findings.insert(),
                [
                    {
                        "run_id": run_id,
                        "rule": "SEEN",
                        "subject_type": "case",
                        "subject_id": c,
                        "status": "fail",
                        "severity": "major",
                        "message": "not seen",
                        "evidence": json.dumps([c]),
                    }
                    for c in cases[:failing]
                ],
            )


def test_measures_by_month(tmp_path: object) -> None:
    engine = Store.open(f"{tmp_path}/c.db").engine
    _runs(engine)
    assert [m for m, _, _ in monthly_runs(engine)] == ["2025-01", "2025-02", "2025-03", "2025-04"]
    seen = MeasureSpec("rule_failure", "SEEN", 0.10)
    cse = MeasureSpec("rule_failure", "SEEN", 0.10, categories=("cse",))
    grade = MeasureSpec("grade_share", "inadequate", 0.05)
    rec = RecommendationSpec("See every child", "S00040", dt.date(2025, 12, 31), (seen, cse, grade))
    create_concern(engine, "Children not seen", None, "qa", [rec])
    (view,) = concern_views(engine)
    m_seen, m_cse, m_grade = view.recommendations[0].measures
    assert [(p.x, p.n) for p in m_seen.periods] == [(x, 100) for x in FAILING]  # latest of Jan
    assert m_seen.status is MeasureStatus.EMBEDDED
    assert [(p.x, p.n) for p in m_cse.periods] == [(15, 50), (4, 50), (4, 50), (4, 50)]
    assert m_cse.status is MeasureStatus.EMBEDDED
    assert m_grade.status is MeasureStatus.ON_TRACK  # 9% > 5%, better than 30%
    assert concern_views(engine, k=4)[0].recommendations[0].measures[0].status is MeasureStatus.MET


@pytest.mark.parametrize(
    "spec",
    [
        MeasureSpec("rule_failure", "NO_SUCH_RULE", 0.1),
        MeasureSpec("grade_share", "awful", 0.1),
        MeasureSpec("share", "SEEN", 0.1),
        MeasureSpec("rule_failure", "SEEN", 1.5),
    ],
)
def test_a_bad_measure_is_refused(tmp_path: object, spec: MeasureSpec) -> None:
    engine = Store.open(f"{tmp_path}/c.db").engine
    rec = RecommendationSpec("r", "o", dt.date(2025, 1, 1), (spec,))
    with pytest.raises(UsageError):
        create_concern(engine, "t", None, "qa", [rec])


def test_concerns_report_html_and_pdf(tmp_path: Path) -> None:
    db = str(tmp_path / "c.db")
    engine = Store.open(db).engine
    _runs(engine)
    spec = MeasureSpec("rule_failure", "SEEN", 0.10)
    rec = RecommendationSpec("See every child", "S00040", dt.date(2025, 12, 31), (spec,))
    create_concern(engine, "Children not seen alone", None, "qa", [rec])
    out = tmp_path / "pack"
    result = CliRunner().invoke(main, ["concerns", "report", "--db", db, "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = (out / "concerns.html").read_text(encoding="utf-8")
    assert "Children not seen alone" in html and "sustainable and embedded" in html
    assert html.count("<svg") == 2  # run chart and p-chart
    text = " ".join(page.extract_text() for page in PdfReader(out / "concerns.pdf").pages)
    assert "Children not seen alone" in text and "SEEN failing in at most 10% of cases" in text
    assert "2025-04" in text
