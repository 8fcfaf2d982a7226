"""Every report says how many overrides were applied (0 included): the audit report
(HTML and PDF), the concerns evidence pack (HTML and PDF) and the findings export."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner
from pypdf import PdfReader

from caseguard.cli import main
from caseguard.report import build_report
from caseguard.store import Store
from caseguard.workflow import Actor, DecisionRequest, queue_for, record
from caseguard.workflow.report import write_report

KEY = b"overrides-test-key"
QA = Actor("qa", "qa")


def _text(path: Path) -> str:
    if path.suffix == ".pdf":
        text = " ".join(page.extract_text() or "" for page in PdfReader(path).pages)
    else:
        text = re.sub(r"<[^>]+>", " ", path.read_text(encoding="utf-8"))
    return " ".join(text.split())


def _override(db: str, how_many: int) -> None:
    engine = Store.open(db).engine
    items = queue_for(engine, None).items
    for item in items[:how_many]:
        asked = DecisionRequest("override", status="not_applicable", reason="not this case")
        record(engine, item.finding_id, asked, QA)
    engine.dispose()


def _export(run_dir: Path, db: str, out: Path) -> str:
    args = ["export", "findings", str(run_dir), "--data", db, "--out", str(out)]
    result = CliRunner().invoke(main, args, env={"CASEGUARD_PSEUDONYM_KEY": KEY.decode()})
    assert result.exit_code == 0, result.output
    return " ".join(result.output.split())


def test_reports_state_the_overrides_applied(audited: str, tmp_path: Path) -> None:
    with Store.open(audited) as store, store.engine.connect() as conn:
        recorded = conn.exec_driver_sql("SELECT report_dir FROM audit_runs").scalar_one()
    run_dir = Path(recorded)
    zero = tmp_path / "zero"
    build_report(run_dir, zero, data_source=audited, key=KEY, formats=["html", "pdf"], pages="none")
    for name in ("report.html", "report.pdf"):
        assert "Overrides: 0 overrides applied by quality assurance (audit run 1" in _text(
            zero / name
        )
    write_report(Store.open(audited).engine, tmp_path / "pack0")
    pack = _text(tmp_path / "pack0" / "concerns.html")
    assert re.search(r"Latest audit run 1, as of [^:]+: 0 override\(s\) applied", pack)
    assert "Overrides: 0 overrides applied" in _export(run_dir, audited, tmp_path / "f0.csv")

    _override(audited, 3)
    three = tmp_path / "three"
    build_report(
        run_dir, three, data_source=audited, key=KEY, formats=["html", "pdf"], pages="none"
    )
    for name in ("report.html", "report.pdf"):
        assert "Overrides: 3 overrides applied by quality assurance (audit run 1" in _text(
            three / name
        )
    write_report(Store.open(audited).engine, tmp_path / "pack3")
    for name in ("concerns.html", "concerns.pdf"):
        pack = _text(tmp_path / "pack3" / name)
        assert re.search(r"Latest audit run 1, as of [^:]+: 3 override\(s\) applied", pack)
    assert "Overrides: 3 overrides applied" in _export(run_dir, audited, tmp_path / "f3.csv")


def test_a_report_of_an_audit_not_in_a_store_says_none_apply(
    tmp_path: Path, small_bundle: Path
) -> None:
    from caseguard.audit import run_audit

    out = tmp_path / "a"
    run_audit(small_bundle, out, workers=1)
    build_report(
        out, tmp_path / "r", data_source=small_bundle, key=KEY, formats=["html"], pages="none"
    )
    assert "Overrides: 0 overrides applied: this audit is not recorded in a store" in _text(
        tmp_path / "r" / "report.html"
    )
