"""Read an audit's output folder (``cases.csv``, ``findings.jsonl``, ``summary.json``).

Only the file contracts in ``shared/spec/standards.md`` are relied on, so any
tool that writes them can feed a report. Each figure has one source: the counts
``summary.json`` holds (grades, each rule's pass and fail, grades by category,
team and area) are read from it, so the report and the summary never disagree;
only when an audit folder has no ``summary.json`` are they counted from
``cases.csv`` and ``findings.jsonl`` the same way the audit counts them.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Collection
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
NOT_RECORDED = "(not recorded)"


@dataclass(frozen=True, slots=True)
class RuleCount:
    """How often a rule failed out of the subjects it was checked on (pass + fail)."""

    rule: str
    subject_type: str
    failed: int
    checked: int


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
    """One audit's results. Findings are read from ``findings.jsonl`` only when asked
    for, and only those asked for (``findings_where``): a force's audit holds millions."""

    path: Path
    cases: list[CaseRow]
    given: list[Finding] | None = None  # findings already in hand (no file is read)
    summary: dict[str, Any] = field(default_factory=dict)
    _all: list[Finding] | None = field(default=None, repr=False)

    @property
    def findings(self) -> list[Finding]:
        """Every finding (read once)."""
        if self.given is not None:
            return self.given
        if self._all is None:
            self._all = _read_findings(self.path / "findings.jsonl")
        return self._all

    def findings_where(
        self, *, rules: Collection[str] | None = None, subjects: Collection[str] | None = None
    ) -> list[Finding]:
        """The findings of these rules and/or about these subject ids (read with Polars,
        filtered before any is made into a record)."""
        if self.given is not None or self._all is not None:
            return [
                f
                for f in self.findings
                if (rules is None or f.rule in rules)
                and (subjects is None or f.subject_id in subjects)
            ]
        return _scan_findings(self.path / "findings.jsonl", rules, subjects)

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

    def rule_counts(self) -> dict[str, RuleCount]:
        """Each rule's failures and checks: ``summary.json``'s, else counted from findings."""
        rules = self.summary.get("rules")
        if isinstance(rules, dict) and rules:
            return {
                rule: RuleCount(
                    rule,
                    str(v.get("subject_type") or "case"),
                    int(v.get("fail", 0)),
                    int(v.get("fail", 0)) + int(v.get("pass", 0)),
                )
                for rule, v in rules.items()
                if isinstance(v, dict)
            }
        failed: Counter[str] = Counter()
        checked: Counter[str] = Counter()
        subjects: dict[str, str] = {}
        for f in self.findings:
            subjects[f.rule] = f.subject_type
            if f.status in ("pass", "fail"):
                checked[f.rule] += 1
                failed[f.rule] += f.status == "fail"
        return {r: RuleCount(r, s, failed[r], checked[r]) for r, s in subjects.items()}

    def grade_counts(self) -> dict[str, int]:
        """Cases per grade: ``summary.json``'s, else counted from ``cases.csv``."""
        grades = self.summary.get("grades")
        if isinstance(grades, dict) and grades:
            return {g: int((grades.get(g) or {}).get("count", 0)) for g in GRADES}
        counts = Counter(c.grade for c in self.cases)
        return {g: counts[g] for g in GRADES}

    def group_counts(self, key: str) -> dict[str, dict[str, int]]:
        """Cases per grade in each category, team or area (``by_<key>`` in the summary)."""
        groups = self.summary.get(f"by_{key}")
        if isinstance(groups, dict) and groups:
            return {
                name: {g: int(v["grades"].get(g, {}).get("count", 0)) for g in GRADES}
                for name, v in groups.items()
            }
        table: dict[str, Counter[str]] = defaultdict(Counter)
        if key == "category":
            for row in self.cases:
                table[row.category or NOT_RECORDED][row.grade] += 1
        return {name: {g: c[g] for g in GRADES} for name, c in table.items()}


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
    if not (folder / "findings.jsonl").is_file():
        raise UsageError("not an audit folder: findings.jsonl is missing", path=str(folder))
    summary = _read_summary(folder / "summary.json")
    return Audit(folder, cases, None, summary)


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


def _scan_findings(
    path: Path, rules: Collection[str] | None, subjects: Collection[str] | None
) -> list[Finding]:
    import polars as pl

    if path.stat().st_size == 0:
        return []
    wanted = pl.lit(True)
    if rules is not None:
        wanted = wanted & pl.col("rule").is_in(list(rules))
    if subjects is not None:
        wanted = wanted & pl.col("subject_id").is_in(list(subjects))
    try:
        rows = pl.scan_ndjson(path, infer_schema_length=None).filter(wanted).collect().to_dicts()
        return [_finding(row) for row in rows]
    except (pl.exceptions.PolarsError, KeyError, TypeError, ValueError):
        raise UsageError("findings.jsonl is not a list of findings", path=str(path)) from None


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
