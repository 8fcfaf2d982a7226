"""Read an audit's output folder (``cases.csv``, ``findings.jsonl``, ``summary.json``).

Only the file contracts in ``shared/spec/standards.md`` are relied on, so any
tool that writes them can feed a report. Each figure has one source: the counts
``summary.json`` holds (grades, each rule's pass and fail, grades by category,
team and area) are read from it, so the report and the summary never disagree;
only when an audit folder has no ``summary.json`` are they counted from
``cases.csv`` and ``findings.jsonl`` the same way the audit counts them.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caseguard.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

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

    def findings_frame(
        self, *, rules: Collection[str] | None = None, subjects: Collection[str] | None = None
    ) -> pl.DataFrame:
        """``findings_where`` as a Polars frame (the columns of ``findings.jsonl``): a
        whole-audit figure is counted from it without a record made per finding."""
        if self.given is not None or self._all is not None:
            return _frame_of(self.findings_where(rules=rules, subjects=subjects))
        return _scan_frame(self.path / "findings.jsonl", rules, subjects)

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


CASE_COLUMNS = ("case_id", "category", "grade", "critical", "major", "minor", "failed_rules")


def _read_cases(path: Path) -> list[CaseRow]:
    """``cases.csv`` (read by Polars, its guard against formulas taken off each cell)."""
    import polars as pl

    from caseguard.privacy.spreadsheet import unguard_expr

    try:
        if path.stat().st_size == 0:
            return []
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (OSError, pl.exceptions.PolarsError):
        raise UsageError("cannot read cases.csv", path=str(path)) from None
    frame = frame.rename({frame.columns[0]: frame.columns[0].lstrip("\ufeff")})
    if frame.height and not {"case_id", "grade"} <= set(frame.columns):
        raise UsageError("cases.csv has no case_id or grade column", path=str(path))
    text = frame.select(
        unguard_expr(pl.col(c) if c in frame.columns else pl.lit(None, pl.String)).alias(c)
        for c in CASE_COLUMNS
    )
    count = pl.col("critical", "major", "minor").str.strip_chars().cast(pl.Int64, strict=False)
    rows = text.with_columns(
        count.fill_null(0),
        category=pl.col("category").fill_null("").str.strip_chars().str.to_lowercase(),
        grade=pl.col("grade").fill_null(""),
        failed_rules=pl.col("failed_rules").fill_null(""),
    )
    return [
        CaseRow(
            case_id,
            category,
            normalise_grade(grade),
            critical,
            major,
            minor,
            tuple(r for r in failed.split(";") if r),
        )
        for case_id, category, grade, critical, major, minor, failed in rows.iter_rows()
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
    return [_finding(row) for row in _scan_frame(path, rules, subjects).iter_rows(named=True)]


def _scan_frame(
    path: Path, rules: Collection[str] | None, subjects: Collection[str] | None
) -> pl.DataFrame:
    """The findings of ``rules`` and/or about ``subjects``.

    A force's ``findings.jsonl`` holds millions of lines; only those that hold one of
    the wanted rules or subject ids (as a JSON string, quotes included) are parsed, so
    the file is read once as lines and few of them are decoded. Each decoded line is
    then checked exactly.
    """
    import polars as pl

    if path.stat().st_size == 0:
        return _frame_of([])
    lines = _lines(path)
    for wanted in (rules, subjects):
        if wanted is not None:
            needles = sorted(
                {json.dumps(str(w), ensure_ascii=a) for w in wanted for a in (False, True)}
            )
            if not needles:
                return _frame_of([])
            lines = lines.filter(pl.col("line").str.contains_any(needles))
    found = _decoded(lines, path)
    if rules is not None:
        found = found.filter(pl.col("rule").is_in(list(rules)))
    if subjects is not None:
        found = found.filter(pl.col("subject_id").is_in(list(subjects)))
    return found


def _finding_schema() -> dict[str, pl.DataType]:
    import polars as pl

    fields: dict[str, pl.DataType] = {
        c: pl.String() for c in ("rule", "subject_type", "subject_id", "status", "severity")
    }
    return {**fields, "message": pl.String(), "evidence": pl.List(pl.String())}


def _frame_of(findings: list[Finding]) -> pl.DataFrame:
    """Findings as a frame with the columns of ``findings.jsonl``."""
    import polars as pl

    rows = [
        (f.rule, f.subject_type, f.subject_id, f.status, f.severity, f.message, list(f.evidence))
        for f in findings
    ]
    return pl.DataFrame(rows, schema=_finding_schema(), orient="row")


def _decoded(lines: pl.DataFrame, path: Path) -> pl.DataFrame:
    """The lines decoded as findings (by Polars, whole columns at a time)."""
    import polars as pl

    required = ["rule", "subject_id", "status"]
    dtype = pl.Struct(_finding_schema())
    try:
        rows = lines.select(pl.col("line").str.json_decode(dtype)).unnest("line")
    except pl.exceptions.PolarsError:
        rows = None
    if rows is None or rows.select(pl.any_horizontal(pl.col(required).is_null()).any()).item():
        raise UsageError("findings.jsonl is not a list of findings", path=str(path))
    return rows


def _lines(path: Path) -> pl.DataFrame:
    """Every non-empty line of a text file, as one column (no field is split: JSON never
    holds a raw control character such as the separator used)."""
    import polars as pl

    try:
        return pl.read_csv(
            path,
            has_header=False,
            separator="\x1f",
            quote_char=None,
            new_columns=["line"],
            schema={"line": pl.String},
        ).filter(pl.col("line").str.strip_chars() != "")
    except pl.exceptions.PolarsError:
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
