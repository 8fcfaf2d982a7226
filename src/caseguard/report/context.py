"""What every section of a report draws on: the audit, the records and the pseudonyms."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from caseguard.report.audit_dir import Audit, CaseRow, Finding
from caseguard.report.data import Case, CaseData, Child
from caseguard.report.language import Mark, screen_text
from caseguard.report.pseudonyms import NameScrubber, Pseudonymiser, age_on, scrubber_for


@dataclass
class ReportContext:
    audit: Audit
    data: CaseData
    pseudo: Pseudonymiser
    now: dt.datetime
    compare_with: Audit | None = None
    _marks: dict[str, list[Mark]] = field(default_factory=dict)

    @cached_property
    def case_rows(self) -> dict[str, CaseRow]:
        return {c.case_id: c for c in self.audit.cases}

    @cached_property
    def case_findings(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for f in self.audit.findings:
            out.setdefault(f"{f.subject_type}:{f.subject_id}", []).append(f)
        return out

    def findings_on(self, subject_type: str, subject_id: str) -> list[Finding]:
        return self.case_findings.get(f"{subject_type}:{subject_id}", [])

    def child_of(self, case: Case) -> Child | None:
        return self.data.children.get(case.child_id)

    def child_label(self, child_id: str) -> str:
        return self.pseudo.child(child_id)

    def child_name(self, child_id: str) -> str | None:
        """The display name, only when the user asked for an identifiable report."""
        child = self.data.children.get(child_id)
        return child.display_name if (self.pseudo.identify and child) else None

    def scrubber(self, child_id: str) -> NameScrubber:
        if self.pseudo.identify:
            return NameScrubber({})
        child = self.data.children.get(child_id)
        return scrubber_for(child.display_name if child else None, self.child_label(child_id))

    def age_at(self, child_id: str, when: dt.datetime) -> int | None:
        child = self.data.children.get(child_id)
        return age_on(child.date_of_birth if child else None, when)

    def marks(self, case: Case, note_id: str, text: str, when: dt.datetime) -> list[Mark]:
        if note_id not in self._marks:
            self._marks[note_id] = screen_text(text, self.age_at(case.child_id, when))
        return self._marks[note_id]
