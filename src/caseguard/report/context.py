"""What every section of a report draws on: the audit, the records and the pseudonyms."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from caseguard.privacy.names import NameIndex, own_names, scrub
from caseguard.report.audit_dir import Audit, CaseRow, Finding
from caseguard.report.data import Case, CaseData, Child
from caseguard.report.language import Mark, screen_text
from caseguard.report.overrides import Overrides
from caseguard.report.pseudonyms import Pseudonymiser, age_on

if TYPE_CHECKING:
    from caseguard.report.staged import StagedRecords

_ID_WORD = re.compile(r"[\w-]*\d[\w-]*")


@dataclass
class ReportContext:
    audit: Audit
    data: CaseData
    pseudo: Pseudonymiser
    now: dt.datetime
    compare_with: Audit | None = None
    listed: int = 100  # inadequate cases listed in the report (all are in inadequate.csv)
    paged_cases: frozenset[str] = frozenset()  # cases with their own page
    staged: StagedRecords | None = None  # the whole audit's tables (a report's sections)
    overrides: Overrides = field(default_factory=lambda: Overrides(0, None))
    _marks: dict[str, list[Mark]] = field(default_factory=dict)
    _ids: dict[str, bool] = field(default_factory=dict)  # a known id: is it a child's?

    @property
    def whole(self) -> StagedRecords:
        """The staged tables the report's sections are built from."""
        if self.staged is None:
            raise RuntimeError("a report's sections need the audit's staged tables")
        return self.staged

    @cached_property
    def case_rows(self) -> dict[str, CaseRow]:
        return {c.case_id: c for c in self.audit.cases}

    @cached_property
    def case_findings(self) -> dict[str, list[Finding]]:
        """Findings about the paged cases, their children and episodes, by subject (a
        worker's audit holds just its batch's findings: all of them are wanted)."""
        out: dict[str, list[Finding]] = {}
        if self.audit.given is not None:
            for f in self.audit.given:
                out.setdefault(f"{f.subject_type}:{f.subject_id}", []).append(f)
            return out
        subjects = set(self.paged_cases)
        for case_id in self.paged_cases:
            case = self.data.cases.get(case_id)
            if case is not None:
                subjects.add(case.child_id)
                subjects.update(e.episode_id for e in self.data.episodes.get(case.child_id, ()))
        for f in self.audit.findings_where(subjects=subjects):
            out.setdefault(f"{f.subject_type}:{f.subject_id}", []).append(f)
        return out

    @cached_property
    def _id_pattern(self) -> re.Pattern[str] | None:
        """Id-shaped words (those with a digit, plus any id without one), looked up in a
        dict: one pass over a text, whatever the number of ids."""
        ids = dict.fromkeys(self._adult_ids(), False)
        ids.update(dict.fromkeys(self.data.children, True))
        self._ids = ids
        if not ids:
            return None
        odd = sorted((i for i in ids if not _ID_WORD.fullmatch(i)), key=len, reverse=True)
        shapes = [_ID_WORD.pattern, *map(re.escape, odd)]
        return re.compile(r"(?<![\w-])(?:" + "|".join(shapes) + r")(?![\w-])")

    def _adult_ids(self) -> list[str]:
        if self.staged is not None:
            return self.staged.person_ids()
        ids = [p.person_id for p in self.data.case_persons]
        for episodes in self.data.episodes.values():
            ids += [e.found_with_person_id for e in episodes if e.found_with_person_id]
        return ids

    def _pseudonym_of(self, match: re.Match[str]) -> str:
        word = match.group(0)
        child = self._ids.get(word)
        if child is None:
            return word
        return self.pseudo.child(word) if child else self.pseudo.adult(word)

    @cached_property
    def names(self) -> NameIndex:
        """Every child's name parts, each to the child's pseudonym (or ``[name]`` if shared)."""
        return NameIndex.build(
            (self.pseudo.child(c.child_id), c.display_name) for c in self.data.children.values()
        )

    def clean(self, text: str, child_id: str | None = None) -> str:
        """A finding's message with person and child ids and everyone's names hidden.

        Strictly: the words a finding quotes may have been lower-cased by the audit, so
        a name that is also an ordinary word is replaced in lower case too.
        """
        if self.pseudo.identify:
            return text
        pattern = self._id_pattern
        if pattern is not None:
            text = pattern.sub(self._pseudonym_of, text)
        return self.scrubber(child_id, strict=True)(text)

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

    def scrubber(self, child_id: str | None, *, strict: bool = False) -> Callable[[str], str]:
        """Takes every name in the bundle out of a text about ``child_id``'s case."""
        if self.pseudo.identify:
            return str
        child = self.data.children.get(child_id) if child_id else None
        own = own_names(child.display_name, self.child_label(child.child_id)) if child else {}
        names = self.names
        return lambda text: scrub(text, names, own, strict=strict)

    def age_at(self, child_id: str, when: dt.datetime) -> int | None:
        child = self.data.children.get(child_id)
        return age_on(child.date_of_birth if child else None, when)

    def marks(self, case: Case, note_id: str, text: str, when: dt.datetime) -> list[Mark]:
        if note_id not in self._marks:
            self._marks[note_id] = screen_text(text, self.age_at(case.child_id, when))
        return self._marks[note_id]
