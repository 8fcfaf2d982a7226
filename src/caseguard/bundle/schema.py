"""The case bundle, version 1.1 (``shared/spec/case-bundle.md``), as one definition.

Every layout reader, the validator, the store's tables and the synthetic generator
are driven from ``TABLES``. Table, column and vocabulary names are a contract: extend,
never rename.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

ID_MAX_CHARS = 200  # the longest identifier accepted (and the store's column width)


class Kind(StrEnum):
    """How a column's value is read."""

    ID = "id"  # identifier: a string, kept exactly ("007" stays "007")
    TEXT = "text"
    TIMESTAMP = "timestamp"  # ISO 8601; no offset = Europe/London; a date = start of day
    DATE = "date"
    BOOL = "bool"
    VOCAB = "vocab"


@dataclass(frozen=True, slots=True)
class Ref:
    """A column whose value must be the id of an accepted row of another table."""

    table: str
    column: str


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    vocab: tuple[str, ...] = ()
    ref: Ref | None = None
    default: str | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    key: str | None  # the id column; None for link tables
    columns: tuple[Column, ...]
    required: bool = False
    key_columns: tuple[str, ...] = field(default=())

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def identity(self) -> tuple[str, ...]:
        """The columns that identify a row for upserts."""
        return (self.key,) if self.key else self.key_columns


SEX = ("female", "male", "other", "unknown")
CATEGORY = ("cse", "cce", "csa", "missing", "other")
REPORTER = ("parent", "carer", "child", "school", "social_care", "health", "police", "other")
CASE_STATUS = ("open", "closed")
PERSON_ROLE = ("suspect", "associate", "witness")
STAFF_ROLE = ("officer", "detective", "supervisor", "manager", "staff")
NOTE_KIND = ("report", "log", "review", "closure", "other")
ACTION_OUTCOME = ("done", "declined", "not_required", "failed")
RISK_GRADE = ("no_apparent_risk", "low", "medium", "high")
ACTION_KIND = (
    "child_seen",
    "child_contacted",
    "child_views_recorded",
    "risk_assessment",
    "safeguarding_referral",
    "strategy_discussion",
    "abe_interview",
    "forensic_medical",
    "clothing_seized",
    "clothing_examined",
    "suspect_identified",
    "suspect_arrested",
    "suspect_interviewed",
    "suspect_charged",
    "suspect_phone_seized",
    "suspect_phone_examined",
    "suspect_clothing_seized",  # added in bundle format 1.1
    "suspect_clothing_examined",
    "cctv_requested",
    "cctv_viewed",
    "cawn_issued",
    "nrm_referral",
    "victim_update",
    "disruption",
)

CHILD = Ref("children", "child_id")
CASE = Ref("cases", "case_id")
PERSON = Ref("persons", "person_id")
STAFF = Ref("staff", "staff_id")


def _c(name: str, kind: Kind, required: bool = False, **kw: object) -> Column:
    return Column(name, kind, required, **kw)  # type: ignore[arg-type]


TABLES: tuple[Table, ...] = (
    Table(
        "children",
        "child_id",
        (
            _c("child_id", Kind.ID, True),
            _c("date_of_birth", Kind.DATE),
            _c("sex", Kind.VOCAB, vocab=SEX),
            _c("looked_after", Kind.BOOL),
            _c("local_authority", Kind.TEXT),
            _c("display_name", Kind.TEXT),
        ),
        required=True,
    ),
    Table(
        "persons",
        "person_id",
        (
            _c("person_id", Kind.ID, True),
            _c("date_of_birth", Kind.DATE),
            _c("sex", Kind.VOCAB, vocab=SEX),
            _c("description", Kind.TEXT),
        ),
    ),
    Table(
        "staff",
        "staff_id",
        (
            _c("staff_id", Kind.ID, True),
            _c("role", Kind.VOCAB, True, vocab=STAFF_ROLE),
            _c("team", Kind.TEXT),
        ),
    ),
    Table(
        "cases",
        "case_id",
        (
            _c("case_id", Kind.ID, True),
            _c("child_id", Kind.ID, True, ref=CHILD),
            _c("reference", Kind.TEXT),
            _c("category", Kind.VOCAB, True, vocab=CATEGORY),
            _c("offence", Kind.TEXT),
            _c("reported_at", Kind.TIMESTAMP, True),
            _c("reporter", Kind.VOCAB, vocab=REPORTER),
            _c("status", Kind.VOCAB, True, vocab=CASE_STATUS),
            _c("closed_at", Kind.TIMESTAMP),
            _c("outcome", Kind.TEXT),
            _c("team", Kind.TEXT),
            _c("area", Kind.TEXT),
        ),
        required=True,
    ),
    Table(
        "case_persons",
        None,
        (
            _c("case_id", Kind.ID, True, ref=CASE),
            _c("person_id", Kind.ID, True, ref=PERSON),
            _c("role", Kind.VOCAB, True, vocab=PERSON_ROLE),
            _c("identified_at", Kind.TIMESTAMP),
        ),
        key_columns=("case_id", "person_id", "role"),
    ),
    Table(
        "notes",
        "note_id",
        (
            _c("note_id", Kind.ID, True),
            _c("case_id", Kind.ID, True, ref=CASE),
            _c("author_id", Kind.ID, ref=STAFF),
            _c("written_at", Kind.TIMESTAMP, True),
            _c("kind", Kind.VOCAB, True, vocab=NOTE_KIND),
            _c("text", Kind.TEXT, True),
        ),
    ),
    Table(
        "actions",
        "action_id",
        (
            _c("action_id", Kind.ID, True),
            _c("case_id", Kind.ID, True, ref=CASE),
            _c("kind", Kind.VOCAB, True, vocab=ACTION_KIND),
            _c("at", Kind.TIMESTAMP, True),
            _c("by", Kind.ID, ref=STAFF),
            _c("outcome", Kind.VOCAB, vocab=ACTION_OUTCOME, default="done"),
            _c("person_id", Kind.ID, ref=PERSON),
            _c("detail", Kind.TEXT),
        ),
    ),
    Table(
        "missing_episodes",
        "episode_id",
        (
            _c("episode_id", Kind.ID, True),
            _c("child_id", Kind.ID, True, ref=CHILD),
            _c("reported_at", Kind.TIMESTAMP, True),
            _c("returned_at", Kind.TIMESTAMP),
            _c("risk_grade", Kind.VOCAB, vocab=RISK_GRADE),
            _c("found_location", Kind.TEXT),
            _c("found_with_person_id", Kind.ID, ref=PERSON),
            _c("return_interview_offered_at", Kind.TIMESTAMP),
            _c("return_interview_completed_at", Kind.TIMESTAMP),
            _c("case_id", Kind.ID, ref=CASE),
        ),
    ),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
TABLE_NAMES: tuple[str, ...] = tuple(t.name for t in TABLES)


def table(name: str) -> Table:
    return TABLE_BY_NAME[name]
