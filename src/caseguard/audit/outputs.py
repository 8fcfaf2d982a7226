"""The audit's output files: ``cases.csv``, ``findings.jsonl`` and ``summary.json``.

Chunks are appended as they are audited; ``Tally`` keeps the small running counts
that ``summary.json`` needs, so no output is ever held whole in memory.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from pathlib import Path
from typing import IO, Any

import polars as pl

from caseguard.audit.stats import wilson_interval
from caseguard.standards.engine import CASE_COLUMNS, ChunkResult
from caseguard.standards.records import Grade, Status

NOT_RECORDED = "(not recorded)"
GRADES = tuple(g.value for g in Grade)
STATUSES = tuple(s.value for s in Status)


class Writers:
    """Open output files, appended chunk by chunk."""

    def __init__(self, out_dir: Path) -> None:
        out_dir.mkdir(parents=True, exist_ok=True)
        self.cases_path = out_dir / "cases.csv"
        self.findings_path = out_dir / "findings.jsonl"
        self._cases: IO[bytes] = self.cases_path.open("wb")
        self._findings: IO[bytes] = self.findings_path.open("wb")
        self._header = True

    def write(self, chunk: ChunkResult) -> None:
        chunk.cases.select(CASE_COLUMNS).write_csv(self._cases, include_header=self._header)
        self._header = False
        if chunk.findings.height:
            chunk.findings.write_ndjson(self._findings)

    def close(self) -> None:
        if self._header:
            pl.DataFrame(schema={c: pl.String for c in CASE_COLUMNS}).write_csv(self._cases)
        self._cases.close()
        self._findings.close()


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
