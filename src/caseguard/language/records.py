"""The records the language screen returns: findings, challenges and recorded non-findings."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


class Severity(enum.Enum):
    """How strongly an entry is flagged; ``ADVISORY`` entries are off unless asked for."""

    ERROR = "error"
    WARNING = "warning"
    ADVISORY = "advisory"


class Decision(enum.Enum):
    """What the context stage decided about one hit."""

    FLAGGED = "flagged"  # the writer's own words about the child: a finding
    ADOPTED = "adopted"  # someone else's words that the writer repeats as fact: a finding
    QUOTED = "quoted"  # inside quotation marks or attributed to someone else: recorded
    NEGATED = "negated"  # "there is no suggestion she chose this": recorded
    CHALLENGED = "challenged"  # named in order to challenge it, or guidance about language
    ADULT_AGE = "adult_age"  # a child-only term and the subject was 18 or over
    ADULT_SUBJECT = "adult_subject"  # the words are about an adult, not the child
    ORDINARY_SENSE = "ordinary_sense"  # an ordinary or legal sense listed by the entry
    GENERIC = "generic"  # a general or concessive statement ("even if ..."), not about the child


@dataclass(frozen=True, slots=True)
class Finding:
    """Victim-blaming language in the writer's own words about the child."""

    note_id: str | None
    start: int  # character offset in the note text
    end: int
    match: str
    entry_id: str
    category: str
    severity: Severity
    message: str  # why it harms
    suggestions: tuple[str, ...]
    context: tuple[str, ...] = field(default=())  # each context decision, explained

    @property
    def rule(self) -> str:
        return self.entry_id

    @property
    def suggestion(self) -> str:
        return self.suggestions[0] if self.suggestions else ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "start": self.start,
            "end": self.end,
            "match": self.match,
            "rule": self.entry_id,
            "category": self.category,
            "severity": self.severity.value,
            "message": self.message,
            "suggestion": self.suggestion,
            "suggestions": list(self.suggestions),
            "context": list(self.context),
        }


@dataclass(frozen=True, slots=True)
class Challenge:
    """Language named in order to challenge it (a supervisor, a reviewer, guidance)."""

    note_id: str | None
    start: int
    end: int
    words: str  # the words that were challenged
    entry_ids: tuple[str, ...]
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "note_id": self.note_id,
            "start": self.start,
            "end": self.end,
            "words": self.words,
            "entry_ids": list(self.entry_ids),
            "reason": self.reason,
        }


@dataclass(frozen=True, slots=True)
class Recorded:
    """A hit that is not a finding (quoted, negated, about an adult...), kept with its reason."""

    note_id: str | None
    start: int
    end: int
    match: str
    entry_id: str
    decision: Decision
    context: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Screening:
    """Everything the screen found in one note."""

    note_id: str | None
    findings: tuple[Finding, ...] = ()
    challenges: tuple[Challenge, ...] = ()
    recorded: tuple[Recorded, ...] = ()

    @property
    def flagged(self) -> bool:
        return bool(self.findings)
