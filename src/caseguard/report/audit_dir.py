"""Read an audit's output folder (``cases.csv``, ``findings.jsonl``, ``summary.json``).

Only the file contracts in ``shared/spec/standards.md`` are relied on, so any
tool that writes them can feed a report. Figures are recomputed from
``cases.csv`` and ``findings.jsonl``; ``summary.json`` is read for where the
data came from (``source``) and the audit's reference time (``as_of``) when it
records them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from caseguard.errors import UsageError
from caseguard.privacy.spreadsheet import unguard

GRADES = ("good", "requires_improvement", "inadequate")
GRADE_LABELS = {
    "good": "Good",
    "requires_improvement": "Requires improvement",
    "inadequate": "Inadequate",
}
SOURCE_KEYS = ("source", "data_source", "bundle", "db")


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: str
    category: str
    grade: str
    critical: int
    major: int
    minor: int
    failed_rules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Finding:
    rule: str
    subject_type: str
    subject_id: str
    status: str
    severity: str | None
    message: str
    evidence: tuple[str, ...]


@dataclass
class Audit:
    """One audit's results."""

    path: Path
    cases: list[CaseRow]
    findings: list[Finding]
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str | None:
        """The bundle or store the audit ran on, when the audit recorded it."""
        for key in SOURCE_KEYS:
            value = self.summary.get(key)
            if isinstance(value, str) and value:
                return value
            if isinstance(value, dict) and isinstance(value.get("path"), str):
                return str(value["path"])
        return None

    @property
    def as_of(self) -> dt.datetime | None:
        value = self.summary.get("as_of") or self.summary.get("now")
        if not isinstance(value, str):
            return None
        try:
            moment = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
        if moment.tzinfo is not None:
            moment = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return moment

    def findings_for(self, subject_type: str) -> list[Finding]:
        return [f for f in self.findings if f.subject_type == subject_type]


def normalise_grade(text: str) -> str:
    return text.strip().lower().replace(" ", "_").replace("-", "_")


def read_audit(path: str | Path) -> Audit:
    """Open an audit output folder; a clean error if it is not one."""
    folder = Path(path)
    if not folder.exists():
        raise UsageError("no such audit folder", path=str(path))
    if not folder.is_dir() or not (folder / "cases.csv").is_file():
        raise UsageError(
            "not an audit folder",
            path=str(path),
            hint="give the folder 'caseguard audit' wrote (it holds cases.csv and findings.jsonl)",
        )
    cases = _read_cases(folder / "cases.csv")
    findings = _read_findings(folder / "findings.jsonl")
    summary = _read_summary(folder / "summary.json")
    return Audit(folder, cases, findings, summary)


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


def _read_cases(path: Path) -> list[CaseRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                {k: unguard(v) if isinstance(v, str) else v for k, v in row.items()}
                for row in csv.DictReader(handle)
            ]
    except (OSError, UnicodeDecodeError, csv.Error):
        raise UsageError("cannot read cases.csv", path=str(path)) from None
    if rows and not {"case_id", "grade"} <= set(rows[0]):
        raise UsageError("cases.csv has no case_id or grade column", path=str(path))
    return [
        CaseRow(
            case_id=row["case_id"],
            category=(row.get("category") or "").strip().lower(),
            grade=normalise_grade(row["grade"] or ""),
            critical=_int(row.get("critical")),
            major=_int(row.get("major")),
            minor=_int(row.get("minor")),
            failed_rules=tuple(r for r in (row.get("failed_rules") or "").split(";") if r),
        )
        for row in rows
    ]


def _read_findings(path: Path) -> list[Finding]:
    if not path.is_file():
        raise UsageError(
            "not an audit folder: findings.jsonl is missing",
            path=str(path.parent),
        )
    findings: list[Finding] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                findings.append(_finding(obj))
            except (ValueError, KeyError, TypeError):
                raise UsageError(
                    f"findings.jsonl line {number} is not a finding", path=str(path)
                ) from None
    return findings


def _finding(obj: dict[str, Any]) -> Finding:
    return Finding(
        rule=str(obj["rule"]),
        subject_type=str(obj.get("subject_type") or "case"),
        subject_id=str(obj["subject_id"]),
        status=str(obj["status"]),
        severity=obj.get("severity") or None,
        message=str(obj.get("message") or ""),
        evidence=tuple(str(e) for e in obj.get("evidence") or ()),
    )


def _read_summary(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise UsageError("summary.json is not valid JSON", path=str(path)) from None
    return data if isinstance(data, dict) else {}
