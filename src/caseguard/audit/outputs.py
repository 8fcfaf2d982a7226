"""The audit's output files: ``cases.csv``, ``findings.jsonl`` and ``summary.json``.

``cases.csv`` is opened in spreadsheets, so its text cells are guarded against formula
injection (``privacy.spreadsheet``); readers of the file take the guard off again.

Chunks are appended as they are audited; ``Tally`` keeps the small running counts
that ``summary.json`` needs, so no output is ever held whole in memory.
"""

from __future__ import annotations

import io
import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

import polars as pl

from caseguard.audit.exploitation import ExploitationTally
from caseguard.audit.stats import wilson_interval
from caseguard.privacy.spreadsheet import guard_frame
from caseguard.standards.engine import CASE_COLUMNS, ChunkResult
from caseguard.standards.records import Grade, Status

NOT_RECORDED = "(not recorded)"
GRADES = tuple(g.value for g in Grade)
STATUSES = tuple(s.value for s in Status)
COPY_BYTES = 16 << 20


class Writers:
    """Open output files, appended chunk by chunk (or part file by part file).

    They are written under temporary names and given their own names by ``close``
    only when everything was written, so a failed audit leaves no half-written output
    (and an earlier audit's outputs in the same folder are kept).
    """

    def __init__(self, out_dir: Path, *, cases: str = "cases.csv", header: bool = True) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.cases_path = out_dir / cases
        self.findings_path = out_dir / cases.replace("cases", "findings").replace(".csv", ".jsonl")
        self._cases: IO[bytes] = _partial(self.cases_path).open("wb")
        self._findings: IO[bytes] = _partial(self.findings_path).open("wb")
        self._header = header

    @classmethod
    def part(cls, folder: Path, number: int) -> Writers:
        """One chunk's rows, without the header, to be appended to the outputs later."""
        return cls(folder, cases=f"cases-{number:05d}.csv", header=False)

    def write(self, chunk: ChunkResult) -> None:
        write_rows(chunk, self._cases, self._findings, header=self._header)
        self._header = False

    def append_bytes(self, cases: bytes, findings: bytes) -> None:
        """A chunk's rows as ``part_bytes`` gives them, after those already written."""
        self._write_header()
        self._cases.write(cases)
        self._findings.write(findings)

    def append(self, cases: Path, findings: Path) -> None:
        """A part's rows (written by ``part``) after those already written."""
        self._write_header()
        for source, target in ((cases, self._cases), (findings, self._findings)):
            with source.open("rb") as handle:
                shutil.copyfileobj(handle, target, COPY_BYTES)

    def _write_header(self) -> None:
        if self._header:
            pl.DataFrame(schema={c: pl.String for c in CASE_COLUMNS}).write_csv(self._cases)
            self._header = False

    def close(self, *, complete: bool = True) -> None:
        """Finish the files (``complete``), or remove them after a failure."""
        if complete:
            self._write_header()
        self._cases.close()
        self._findings.close()
        for path in (self.cases_path, self.findings_path):
            if complete:
                _partial(path).replace(path)
            else:
                _partial(path).unlink(missing_ok=True)


def write_rows(chunk: ChunkResult, cases: IO[bytes], findings: IO[bytes], *, header: bool) -> None:
    """A chunk's rows of ``cases.csv`` (guarded) and ``findings.jsonl``."""
    guard_frame(chunk.cases.select(CASE_COLUMNS)).write_csv(cases, include_header=header)
    if chunk.findings.height:
        chunk.findings.write_ndjson(findings)


def part_bytes(chunk: ChunkResult) -> tuple[bytes, bytes]:
    """A chunk's rows of both outputs (no header), as bytes: audited elsewhere, appended here."""
    cases, findings = io.BytesIO(), io.BytesIO()
    write_rows(chunk, cases, findings, header=False)
    return cases.getvalue(), findings.getvalue()


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.partial")


class Tally:
    """Running counts for ``summary.json``."""

    def __init__(self) -> None:
        self.grades: Counter[str] = Counter()
        self.rules: dict[str, Counter[str]] = defaultdict(Counter)
        self.rule_subjects: dict[str, str] = {}
        self.severities: dict[str, Counter[str]] = defaultdict(Counter)
        self.groups: dict[str, dict[str, Counter[str]]] = {
            "category": defaultdict(Counter),
            "team": defaultdict(Counter),
            "area": defaultdict(Counter),
        }
        self.exploitation = ExploitationTally()

    def add(self, chunk: ChunkResult) -> None:
        for grade, n in chunk.cases.group_by("grade").len().iter_rows():
            self.grades[grade] += n
        for key, groups in self.groups.items():
            counts = chunk.cases.group_by(pl.col(key).fill_null(NOT_RECORDED), "grade").len()
            for value, grade, n in counts.iter_rows():
                groups[value][grade] += n
        counts = chunk.findings.group_by("rule", "subject_type", "status", "severity").len()
        for rule, subject_type, status, severity, n in counts.iter_rows():
            self.rules[rule][status] += n
            self.rule_subjects[rule] = subject_type
            if severity:
                self.severities[rule][severity] += n
        self.exploitation.add(chunk)

    def merge(self, other: Tally) -> None:
        """Add another tally's counts (a chunk audited elsewhere)."""
        self.grades.update(other.grades)
        for rule, counts in other.rules.items():
            self.rules[rule].update(counts)
        self.rule_subjects.update(other.rule_subjects)
        for rule, counts in other.severities.items():
            self.severities[rule].update(counts)
        for key, groups in other.groups.items():
            for value, counts in groups.items():
                self.groups[key][value].update(counts)
        self.exploitation.merge(other.exploitation)

    def summary(self, **context: Any) -> dict[str, Any]:
        total = sum(self.grades.values())
        return {
            **context,
            "cases": total,
            "grades": {g: _proportion(self.grades[g], total) for g in GRADES},
            "rules": {
                rule: {
                    "subject_type": self.rule_subjects[rule],
                    **{s: self.rules[rule][s] for s in STATUSES},
                    "fail_by_severity": dict(sorted(self.severities[rule].items())),
                }
                for rule in sorted(self.rules)
            },
            **{f"by_{key}": _breakdown(groups) for key, groups in self.groups.items()},
            "exploitation": self.exploitation.summary(),
        }


def _proportion(count: int, total: int) -> dict[str, Any]:
    low, high = wilson_interval(count, total)
    return {
        "count": count,
        "proportion": round(count / total, 6) if total else None,
        "ci95": [round(low, 6), round(high, 6)],
    }


def _breakdown(groups: dict[str, Counter[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name in sorted(groups):
        counts = groups[name]
        total = sum(counts.values())
        out[name] = {"cases": total, "grades": {g: _proportion(counts[g], total) for g in GRADES}}
    return out


def write_summary(path: Path, summary: dict[str, Any]) -> None:
    path.write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
