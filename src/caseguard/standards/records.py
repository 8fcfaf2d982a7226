"""The records an audit produces: findings with enums for status, severity and grade."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    NOT_APPLICABLE = "not_applicable"


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"


class Grade(StrEnum):
    GOOD = "good"
    REQUIRES_IMPROVEMENT = "requires_improvement"
    INADEQUATE = "inadequate"


class SubjectType(StrEnum):
    CASE = "case"
    CHILD = "child"
    EPISODE = "episode"


@dataclass(frozen=True, slots=True)
class Finding:
    """One rule's verdict on one subject (a case, a child or a missing episode)."""

    rule: str
    subject_type: SubjectType
    subject_id: str
    status: Status
    severity: Severity | None
    message: str
    evidence: tuple[str, ...]

    @classmethod
    def from_dict(cls, row: dict[str, object]) -> Finding:
        """A finding from one ``findings.jsonl`` object (or a findings frame row)."""
        severity = row.get("severity")
        evidence = row.get("evidence") or ()
        return cls(
            rule=str(row["rule"]),
            subject_type=SubjectType(str(row["subject_type"])),
            subject_id=str(row["subject_id"]),
            status=Status(str(row["status"])),
            severity=Severity(str(severity)) if severity else None,
            message=str(row["message"]),
            evidence=tuple(str(e) for e in evidence),  # type: ignore[attr-defined]
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "subject_type": self.subject_type.value,
            "subject_id": self.subject_id,
            "status": self.status.value,
            "severity": self.severity.value if self.severity else None,
            "message": self.message,
            "evidence": list(self.evidence),
        }
