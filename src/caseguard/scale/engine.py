"""``run_spark_audit``: the local engine's audit, on Spark.

Spark reads and validates the bundle (``validate``), partitions the accepted rows by
child (``partition``), computes the global pre-pass (``prepass``) and runs the local
engine's chunk audit in every partition through Arrow (``chunkaudit``). With the CSV
output the driver appends each chunk's rows in chunk order, so ``cases.csv``,
``findings.jsonl`` and ``summary.json`` are the local engine's, byte for byte; with
the Parquet output the executors write every file and the driver only adds up counts.
"""

from __future__ import annotations

import datetime as dt
import pickle
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caseguard.audit.chunks import ChunkJob
from caseguard.audit.html import write_html
from caseguard.audit.names import unlabelled
from caseguard.audit.outputs import Tally, Writers, write_summary
from caseguard.audit.runner import AuditResult, Progress
from caseguard.audit.staging import Staged
from caseguard.errors import UsageError
from caseguard.report.pseudonyms import Pseudonymiser
from caseguard.scale import prepass
from caseguard.scale.chunkaudit import RESULT, audit_function
from caseguard.scale.outfiles import write_text
from caseguard.scale.partition import CHUNK, Partitioned, partition
from caseguard.scale.session import spark_session
from caseguard.scale.sparktypes import spark_schema
from caseguard.scale.validate import validate
from caseguard.standards.rubric import Rubric, load_rubric
from caseguard.standards.screening import Screen

if TYPE_CHECKING:
    from pyspark.sql import DataFrame

OUTPUT_FORMATS = ("csv", "parquet")


def run_spark_audit(
    source: str | Path,
    out_dir: str | Path,
    *,
    as_of: dt.datetime | None = None,
    rubric: Rubric | str | Path | None = None,
    progress: Progress | None = None,
    language: bool = True,
    screen: Screen | None = None,
    chunk_children: int = 20_000,
    key: bytes | None = None,
    identify: bool = False,
    master: str | None = None,
    conf: Mapping[str, str] | None = None,
    output_format: str = "csv",
    write_report: bool = True,
) -> AuditResult:
    """Audit the bundle folder ``source`` (any path Spark reads) with Spark into ``out_dir``.

    The arguments mean what they mean for ``run_audit``; ``master`` is Spark's master URL
    (default ``local[*]``), ``conf`` more Spark settings. ``output_format='parquet'``
    writes ``cases/`` and ``findings/`` (one Parquet file per chunk, by the executors) and
    ``summary.json`` at ``out_dir``, which may then be any URL pyarrow writes to.
    """
    if output_format not in OUTPUT_FORMATS:
        raise UsageError(f"unknown output format {output_format!r}: use csv or parquet")
    started = time.perf_counter()
    the_rubric = rubric if isinstance(rubric, Rubric) else load_rubric(rubric)
    spark = spark_session(master, conf)
    checked = validate(spark, str(source))
    report = checked.report
    assert report is not None
    parts = partition(checked.accepted, chunk_children)
    found = prepass.facts(parts)
    counts = found.counts
    chunks = (counts.get("children", 0) + chunk_children - 1) // chunk_children
    staged = Staged(Path(), chunks, counts, found.latest, found.supervisors, found.suspects)
    now = as_of or found.latest or dt.datetime(1970, 1, 1)
    label = None if identify else (_child_labels(parts, key) if key else unlabelled)
    names = found.names(label) if label is not None else None
    job = ChunkJob(staged, now, the_rubric, language, screen, names, label)
    staged_at = time.perf_counter()
    parquet_to = str(out_dir) if output_format == "parquet" else None
    results = parts.rows.groupBy(CHUNK).applyInArrow(
        audit_function(job, parquet_to), spark_schema(RESULT)
    )
    tally = _collect(results, out_dir, parquet_to is None, progress, counts.get("cases", 0))
    summary = tally.summary(
        source=str(source),
        as_of=now.isoformat(),
        rubric=the_rubric.source,
        language_screen=language,
        children=counts.get("children", 0),
        episodes=counts.get("missing_episodes", 0),
        rejected_rows=report.rejected,
    )
    _finish(out_dir, summary, parquet_to is None and write_report)
    audited_at = time.perf_counter()
    return AuditResult.of_summary(
        Path(out_dir),
        str(source),
        now,
        summary,
        validation=report,
        timings={
            "stage_s": round(staged_at - started, 3),
            "audit_s": round(audited_at - staged_at, 3),
            "total_s": round(audited_at - started, 3),
        },
    )


def _child_labels(parts: Partitioned, key: bytes) -> Callable[[str], str]:
    """Each child's pseudonym, no two alike, as ``audit.names.child_labels`` gives them
    (the run's child ids on the driver: a force's, some millions at most)."""
    ids = [row[0] for row in parts.tables["children"].select("child_id").collect()]
    return Pseudonymiser.for_ids(key, ids).child


def _collect(
    results: DataFrame,
    out_dir: str | Path,
    as_csv: bool,
    progress: Callable[[str, int, int | None], None] | None,
    total: int,
) -> Tally:
    """Every chunk's counts added up; with ``as_csv``, its rows appended in chunk order."""
    tally = Tally()
    if not as_csv:  # the executors wrote the files: only the small counts come back
        # One job for every chunk at once (toLocalIterator would run them one at a time)
        counted = results.select(CHUNK, "cases", "tally").collect()
        for row in sorted(counted, key=lambda r: r[CHUNK]):  # in chunk order, as for CSV
            tally.merge(pickle.loads(row["tally"]))  # our own executors' Tally
            if progress is not None:
                progress("auditing cases", row["cases"], total)
        return tally
    # Computed once and kept on the executors: sorting samples its input first, and
    # without this the sample and the rows would each run every chunk's audit.
    wanted = [CHUNK, "cases", "tally", "cases_csv", "findings_jsonl"]
    audited = results.select(*wanted).localCheckpoint()
    writers = Writers(Path(out_dir))
    complete = False
    try:
        for row in audited.orderBy(CHUNK).toLocalIterator():
            writers.append_bytes(row["cases_csv"], row["findings_jsonl"])
            tally.merge(pickle.loads(row["tally"]))  # our own executors' Tally
            if progress is not None:
                progress("auditing cases", row["cases"], total)
        complete = True
    finally:
        writers.close(complete=complete)
    return tally


def _finish(out_dir: str | Path, summary: dict[str, Any], html: bool) -> None:
    if "://" in str(out_dir):
        import json

        write_text(
            json.dumps(summary, indent=2, ensure_ascii=False) + "\n", str(out_dir), "summary.json"
        )
        return
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    write_summary(Path(out_dir) / "summary.json", summary)
    if html:
        write_html(Path(out_dir), summary)
