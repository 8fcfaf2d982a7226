"""``run_audit``: stage the source, audit it chunk by chunk, write the outputs.

Pipeline: source → staging (temporary Parquet, one pass, rows tagged with their
child chunk; see ``staging``) → global pre-pass (now, supervisors, cse/cce
suspects) → per chunk (in worker processes when there are several CPUs; see
``chunks``): Polars frames → language screen (each note once) → every rule,
vectorised → grades → appended, in chunk order, to ``cases.csv`` and
``findings.jsonl``, tallied for ``summary.json``. Memory is bounded by the chunk size,
not by the bundle.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from caseguard.audit.chunks import ChunkJob, audit_chunks, default_workers
from caseguard.audit.html import write_html
from caseguard.audit.names import bundle_names, child_labels, unlabelled
from caseguard.audit.outputs import write_summary
from caseguard.audit.sources import describe, is_database, stage_bundle, stage_database
from caseguard.audit.staging import Staged, Stager
from caseguard.audit.versions import lexicon_version, rubric_version
from caseguard.bundle import ValidationReport
from caseguard.errors import UsageError
from caseguard.standards.records import Finding
from caseguard.standards.rubric import Rubric, load_rubric
from caseguard.standards.screening import Screen
from caseguard.store import Store
from caseguard.store.runs import RunInfo, record_run

Progress = Callable[[str, int, int | None], None]  # (stage, advance, total)


@dataclass
class AuditResult:
    """What an audit did and where its outputs are."""

    out_dir: Path
    source: str
    as_of: dt.datetime
    cases: int
    grades: dict[str, int]
    rules: dict[str, dict[str, int]]
    summary: dict[str, Any]
    validation: ValidationReport | None = None
    timings: dict[str, float] = field(default_factory=dict)
    run_id: int | None = None  # the run's id in the store it was recorded in
    staged: Staged | None = None  # the staged tables, when kept (``staging``) for a report

    @classmethod
    def of_summary(
        cls, out_dir: Path, source: str, as_of: dt.datetime, summary: dict[str, Any], **rest: Any
    ) -> AuditResult:
        """The result of an audit whose ``summary.json`` is ``summary`` (counts read from it)."""
        return cls(
            out_dir=out_dir,
            source=source,
            as_of=as_of,
            cases=summary["cases"],
            grades={g: v["count"] for g, v in summary["grades"].items()},
            rules={
                r: {k: v[k] for k in ("pass", "fail", "not_applicable")}
                for r, v in summary["rules"].items()
            },
            summary=summary,
            **rest,
        )

    @property
    def cases_csv(self) -> Path:
        return self.out_dir / "cases.csv"

    @property
    def findings_jsonl(self) -> Path:
        return self.out_dir / "findings.jsonl"

    @property
    def summary_json(self) -> Path:
        return self.out_dir / "summary.json"

    @property
    def report_html(self) -> Path:
        return self.out_dir / "report.html"

    def findings_for(self, subject_id: str, subject_type: str | None = None) -> list[Finding]:
        """Every finding about one case, child or episode (for a case page)."""
        return findings_for(self.out_dir, subject_id, subject_type)


def findings_for(
    out_dir: str | Path, subject_id: str, subject_type: str | None = None
) -> list[Finding]:
    """Every finding about one subject, read back from an audit folder's ``findings.jsonl``."""
    path = Path(out_dir) / "findings.jsonl"
    if path.stat().st_size == 0:
        return []
    wanted = pl.col("subject_id") == subject_id
    if subject_type is not None:
        wanted = wanted & (pl.col("subject_type") == subject_type)
    rows = pl.scan_ndjson(path).filter(wanted).collect().to_dicts()
    return [Finding.from_dict(row) for row in rows]


def parse_as_of(as_of: dt.datetime | str | None) -> dt.datetime | None:
    if as_of is None or isinstance(as_of, dt.datetime):
        return as_of
    from caseguard.bundle.values import ValueProblem, read_timestamp

    try:
        return read_timestamp(as_of)
    except ValueProblem as exc:
        raise UsageError(f"--as-of: {exc.reason}") from None


def run_audit(
    source: str | Path,
    out_dir: str | Path,
    *,
    as_of: dt.datetime | str | None = None,
    rubric: Rubric | str | Path | None = None,
    progress: Progress | None = None,
    language: bool = True,
    screen: Screen | None = None,
    chunk_children: int = 20_000,
    workers: int | None = None,
    key: bytes | None = None,
    identify: bool = False,
    record_in: str | None = None,
    write_report: bool = True,
    staging: Path | None = None,
) -> AuditResult:
    """Audit a bundle (folder, .xlsx, .zip) or a store (URL or SQLite file) into ``out_dir``.

    ``as_of`` (naive UTC, or text read like a bundle timestamp) is *now*; by default
    the latest timestamp in the data. ``rubric`` is a ``Rubric`` or a YAML file
    merged over the default. ``language=False`` skips the language screen and its
    two rules (LANGUAGE, LANGUAGE_CHALLENGED); ``screen`` replaces the screen (it
    must pickle when chunks go to workers). ``workers`` is how many processes audit
    chunks side by side (default: one per CPU; 1 audits in this process). Workers are
    started with ``spawn``, so a script that calls this needs Python's usual
    ``if __name__ == "__main__":`` guard. ``record_in`` (a store URL or SQLite file)
    records the run there too: its row, every case's grade and every failing finding.

    Every child's name is taken out of the text the outputs quote (action details, the
    screen's matches), replaced by the child's pseudonym made with ``key`` (the report's
    pseudonym key; without one, by ``[name]``), unless ``identify``. ``write_report=False``
    leaves out the plain ``report.html`` (the data outputs only; ``caseguard.report``
    writes the full report). ``staging`` (an empty folder the caller removes) keeps the
    staged tables there after the audit, in ``AuditResult.staged``, so that the full
    report is built from them rather than from the source read again.
    """
    started = time.perf_counter()
    started_at = _utcnow()
    the_rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    moment = parse_as_of(as_of)
    out = Path(out_dir)
    tick = _ticker(progress)
    with tempfile.TemporaryDirectory(prefix="caseguard-audit-") as tmp:
        stager = Stager(staging or Path(tmp), chunk_children=chunk_children)
        staged, validation, rejected = stage_source(source, stager, tick)
        staged_at = time.perf_counter()
        now = moment or staged.latest or dt.datetime(1970, 1, 1)
        label = None if identify else (child_labels(staged, key) if key else unlabelled)
        names = bundle_names(staged, label) if label is not None else None
        job = ChunkJob(staged, now, the_rubric, language, screen, names, label)
        tally = audit_chunks(job, out, progress, default_workers() if workers is None else workers)
    audited_at = time.perf_counter()
    summary = tally.summary(
        source=describe(source),
        as_of=now.isoformat(),
        rubric=the_rubric.source,
        language_screen=language,
        children=staged.counts.get("children", 0),
        episodes=staged.counts.get("missing_episodes", 0),
        rejected_rows=rejected,
    )
    write_summary(out / "summary.json", summary)
    if write_report:
        write_html(out, summary)
    timings = {
        "stage_s": round(staged_at - started, 3),
        "audit_s": round(audited_at - staged_at, 3),
    }
    run_id = None
    if record_in is not None:
        stored = time.perf_counter()
        info = RunInfo(
            source=describe(source),
            as_of=now,
            rubric=the_rubric.source,
            rubric_version=rubric_version(the_rubric),
            lexicon_version=lexicon_version(language, screen is not None),
            started_at=started_at,
            finished_at=_utcnow(),
            summary=summary,
            report_dir=str(out.resolve()),
        )
        run_id = record_audit(record_in, info, out)
        timings["store_s"] = round(time.perf_counter() - stored, 3)
    timings["total_s"] = round(time.perf_counter() - started, 3)
    return AuditResult.of_summary(
        out,
        describe(source),
        now,
        summary,
        validation=validation,
        timings=timings,
        run_id=run_id,
        staged=staged if staging is not None else None,
    )


def stage_source(
    source: str | Path, stager: Stager, tick: Callable[[str, int], None] | None = None
) -> tuple[Staged, ValidationReport | None, int]:
    """Stage a bundle (validated) or a store: the staged tables, the bundle's validation
    report (None for a store) and the number of rejected rows."""
    if is_database(source):
        rejected = stage_database(str(source), stager, tick)
        return stager.finish(), None, rejected
    validation = stage_bundle(source, stager, tick)
    return stager.finish(), validation, validation.rejected


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


def record_audit(db: str, info: RunInfo, out: Path) -> int:
    """Record an audit (its outputs in ``out``) in the store ``db``; the new run's id."""
    with Store.open(db) as store:
        return record_run(store.engine, info, out)


def _ticker(progress: Progress | None) -> Callable[[str, int], None] | None:
    if progress is None:
        return None
    return lambda table, n: progress(f"reading {table}", n, None)
