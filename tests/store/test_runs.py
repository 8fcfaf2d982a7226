"""Audit runs recorded in the store (SQLite and PostgreSQL), outputs unchanged."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import polars as pl
import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from caseguard.audit import run_audit
from caseguard.bundle import open_bundle
from caseguard.cli import main
from caseguard.store import Store, migrate
from caseguard.store.audit_tables import audit_cases, audit_findings, audit_rule_counts, audit_runs
from caseguard.store.runs import RunInfo, record_run


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))


def _files(folder: Path) -> dict[str, bytes]:
    return {n: (folder / n).read_bytes() for n in ("cases.csv", "findings.jsonl")}


def test_migrations_are_named_and_reach_head(db: str) -> None:
    with Store.open(db) as store:
        assert migrate.current(store.engine) == migrate.head() == "0006_web_speed"


def test_store_audit_records_the_run_and_keeps_outputs(
    db: str, small_bundle: Path, tmp_path: Path
) -> None:
    plain = run_audit(small_bundle, tmp_path / "plain", workers=1)
    with Store.open(db) as store, open_bundle(small_bundle) as bundle:
        store.load(bundle)
    result = run_audit(db, tmp_path / "rec", workers=1, record_in=db)
    assert _files(tmp_path / "rec") == _files(tmp_path / "plain")
    assert result.run_id == 1 and "store_s" in result.timings
    written = pl.read_csv(tmp_path / "rec" / "cases.csv", infer_schema=False)
    failing = pl.read_ndjson(tmp_path / "rec" / "findings.jsonl").filter(pl.col("status") == "fail")
    with Store.open(db) as store, store.engine.connect() as conn:
        run = conn.execute(sa.select(audit_runs)).mappings().one()
        cases = conn.execute(sa.select(audit_cases.c.case_id, audit_cases.c.grade)).all()
        rows = conn.execute(sa.select(audit_findings)).mappings().all()
        counts = {r.rule: r for r in conn.execute(sa.select(audit_rule_counts))}
    assert run["cases"] == plain.cases == len(cases) == written.height
    assert run["rubric_version"].startswith("v1-") and run["lexicon_version"].startswith("lexicon-")
    assert run["failing_findings"] == failing.height == len(rows)
    assert dict(cases) == dict(zip(written["case_id"], written["grade"], strict=True))
    first = failing.row(0, named=True)
    stored = next(
        r for r in rows if (r["rule"], r["subject_id"]) == (first["rule"], first["subject_id"])
    )
    assert stored["message"] == first["message"]
    assert json.loads(stored["evidence"]) == first["evidence"]
    for rule, v in plain.rules.items():
        assert (counts[rule].passed, counts[rule].failed) == (v["pass"], v["fail"])


def test_bundle_audit_records_in_db_given(small_bundle: Path, tmp_path: Path) -> None:
    store = tmp_path / "runs.db"
    args = ["audit", str(small_bundle), "--out", str(tmp_path / "a"), "--report", "none"]
    result = CliRunner().invoke(main, [*args, "--db", str(store), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "audit run 1" in result.stdout
    again = CliRunner().invoke(main, [*args, "--db", str(store), "--workers", "1"])
    assert "audit run 2" in again.stdout
    with Store.open(str(store)) as st, st.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_runs)).scalar() == 2


def test_only_failing_findings_are_recorded_whatever_their_text(db: str, tmp_path: Path) -> None:
    """Lines are filtered as text before parsing: a passing finding whose message says
    "fail" is not recorded, and odd text in a failing one comes through unchanged."""
    lines = [
        {"rule": "A", "subject_type": "case", "subject_id": "K1", "status": "pass",
         "severity": None, "message": 'said "fail" twice', "evidence": ["K1"]},
        {"rule": "B", "subject_type": "case", "subject_id": "K1", "status": "fail",
         "severity": "major", "message": 'quote " tab \t unit \x1f ünï "fail"',
         "evidence": ["K1", "N2"]},
        {"rule": "C", "subject_type": "child", "subject_id": "C1", "status": "not_applicable",
         "severity": None, "message": "fail", "evidence": []},
        {"rule": "D", "subject_type": "case", "subject_id": "K2", "status": "fail",
         "severity": None, "message": "", "evidence": []},
    ]  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    (out / "findings.jsonl").write_text(
        "".join(json.dumps(x, separators=(",", ":")) + "\n" for x in lines), encoding="utf-8"
    )
    (out / "cases.csv").write_text(
        "case_id,category,grade,critical,major,minor,failed_rules\nK1,cse,inadequate,0,1,0,B\n"
    )
    now = dt.datetime(2025, 1, 1)
    info = RunInfo("t", now, "default", "v1", None, now, now, {"cases": 1})
    with Store.open(db) as store:
        run_id = record_run(store.engine, info, out)
        with store.engine.connect() as conn:
            rows = conn.execute(
                sa.select(audit_findings).where(audit_findings.c.run_id == run_id)
            ).mappings()
            got = {(r["rule"], r["message"], r["severity"], r["evidence"]) for r in rows}
    assert got == {
        ("B", 'quote " tab \t unit \x1f ünï "fail"', "major", '["K1","N2"]'),
        ("D", "", None, "[]"),
    }


def test_the_head_read_from_the_files_is_alembics() -> None:
    from alembic.script import ScriptDirectory

    from caseguard.store.migrate import _config

    assert migrate.head() == ScriptDirectory.from_config(_config()).get_current_head()
