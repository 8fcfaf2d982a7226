"""A table of bad rows: each is rejected with its table, row, column and a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseguard.bundle import open_bundle, validate_bundle
from tests.bundle.minimal import MINIMAL, replace, write

# (id, changes, table, row (CSV line), column, words the reason must hold)
BAD_ROWS = [
    ("required-empty", replace("cases", "K1,C1,cse", "K1,C1,"), "cases", 2, "category", "required"),
    (
        "vocab-unknown",
        replace("cases", "parent,open", "parent,pending"),
        "cases",
        2,
        "status",
        "not one of: open, closed",
    ),
    (
        "timestamp-bad",
        replace("cases", "2024-03-01T10:00", "03/01/2024 10am"),
        "cases",
        2,
        "reported_at",
        "not an ISO 8601 timestamp",
    ),
    (
        "timestamp-impossible",
        replace("cases", "2024-03-01T10:00", "2024-02-30T10:00"),
        "cases",
        2,
        "reported_at",
        "not an ISO 8601 timestamp",
    ),
    (
        "date-bad",
        replace("children", "2009-05-01", "01/05/2009"),
        "children",
        2,
        "date_of_birth",
        "not an ISO 8601 date",
    ),
    (
        "bool-bad",
        replace("children", "female,no", "female,maybe"),
        "children",
        2,
        "looked_after",
        "not a yes/no value",
    ),
    (
        "duplicate-id",
        replace("children", "C2,2010", "C1,2010"),
        "children",
        3,
        "child_id",
        "duplicate child_id: row 2",
    ),
    (
        "ref-missing",
        replace("cases", "K1,C1", "K1,C9"),
        "cases",
        2,
        "child_id",
        "child_id does not exist in children (got 2 characters shaped A9)",
    ),
    (
        "ref-rejected",
        replace("children", "C2,2010-01-01,male", "C2,2010-01-01,boy"),
        "cases",
        3,
        "child_id",
        "rejected: fix that row first",
    ),
    (
        "closed-no-time",
        replace("cases", "closed,2024-05-01T09:00", "closed,"),
        "cases",
        3,
        "closed_at",
        "closed but closed_at is empty",
    ),
    (
        "open-with-closed",
        replace("cases", "parent,open,", "parent,open,2024-04-01"),
        "cases",
        2,
        "closed_at",
        "open but has a closed_at",
    ),
    (
        "closed-before-report",
        replace("cases", "2024-05-01T09:00", "2024-01-01T09:00"),
        "cases",
        3,
        "closed_at",
        "before reported_at",
    ),
    (
        "returned-before",
        replace("missing_episodes", "2024-02-02T08:00", "2024-01-31T08:00"),
        "missing_episodes",
        2,
        "returned_at",
        "before reported_at",
    ),
    (
        "field-count",
        replace("actions", "A1,K1,child_seen,2024-03-02T10:00,S1,done,,", "A1,K1,child_seen"),
        "actions",
        2,
        None,
        "values but the header has 8",
    ),
    (
        "link-twice",
        {"case_persons": MINIMAL["case_persons"] + "K1,P1,suspect,\n"},
        "case_persons",
        3,
        None,
        "listed twice",
    ),
    (
        "staff-unknown",
        replace("actions", "S1,done", "S7,done"),
        "actions",
        2,
        "by",
        "by does not exist in staff",
    ),
    (
        "action-kind",
        replace("actions", "child_seen", "child_visited"),
        "actions",
        2,
        "kind",
        "not one of",
    ),
    (
        "person-unknown",
        replace("missing_episodes", "medium,P1", "medium,P5"),
        "missing_episodes",
        2,
        "found_with_person_id",
        "does not exist in persons",
    ),
    (
        "nul-in-text",
        replace("notes", "plan agreed.", "plan\x00agreed."),
        "notes",
        3,
        "text",
        "NUL character",
    ),
    (
        "multiline-then-bad",
        {
            "notes": MINIMAL["notes"]
            .replace("in detail.", "in\nmore\ndetail.")
            .replace("N2,K1,S2", "N2,K1,S2x")
        },
        "notes",
        5,
        "author_id",
        "does not exist in staff",
    ),
]


@pytest.mark.parametrize(
    ("changes", "table", "row", "column", "reason"),
    [pytest.param(*case[1:], id=case[0]) for case in BAD_ROWS],
)
def test_bad_row_is_rejected_with_reason_and_location(
    tmp_path: Path, changes: dict[str, str], table: str, row: int, column: str | None, reason: str
) -> None:
    with open_bundle(write(tmp_path / "b", changes)) as bundle:
        report = validate_bundle(bundle)
    matching = [e for e in report.errors if (e.table, e.row, e.column) == (table, row, column)]
    assert matching, [e.as_dict() for e in report.errors]
    assert any(reason in e.reason for e in matching), [e.reason for e in matching]
    for t in report.tables.values():
        assert t.read == t.accepted + t.rejected


def test_minimal_bundle_is_clean(tmp_path: Path) -> None:
    with open_bundle(write(tmp_path / "b")) as bundle:
        report = validate_bundle(bundle)
    assert report.errors == []
    assert report.tables["actions"].accepted == 2


def test_every_problem_in_a_row_is_collected(tmp_path: Path) -> None:
    bad = replace(
        "cases", "K1,C1,cse,2024-03-01T10:00,parent,open", "K1,C1,xse,yesterday,aunt,shut"
    )
    with open_bundle(write(tmp_path / "b", bad)) as bundle:
        report = validate_bundle(bundle)
    columns = {e.column for e in report.errors if e.row == 2 and e.table == "cases"}
    assert {"category", "reported_at", "reporter", "status"} <= columns


def test_vocabulary_is_matched_loosely(tmp_path: Path) -> None:
    changes = {
        **replace("cases", "parent,open", "Social Care,OPEN"),
        **replace("actions", "S1,done,,", "S1,Not-Required,,decided with social care"),
    }
    with open_bundle(write(tmp_path / "b", changes)) as bundle:
        report = validate_bundle(bundle)
    assert report.errors == []


def test_unknown_tables_and_columns_are_kept(tmp_path: Path) -> None:
    changes = {
        "cases": MINIMAL["cases"]
        .replace("team,area\n", "team,area,priority\n")
        .replace(",T,A\n", ",T,A,high\n"),
        "referrals": "referral_id,note\nR1,kept\n",
    }
    with open_bundle(write(tmp_path / "b", changes)) as bundle:
        report = validate_bundle(bundle)
    assert report.unknown_columns == {"cases": ["priority"]}
    assert report.tables["referrals"].as_dict() == {"read": 1, "accepted": 1, "rejected": 0}
    assert report.as_dict()["unknown_tables"] == ["referrals"]


def test_identifiers_stay_text(tmp_path: Path) -> None:
    changes = {
        "children": MINIMAL["children"].replace("C1,", "007,"),
        **replace("cases", "K1,C1", "K1,007"),
        **replace("missing_episodes", "E1,C1", "E1,007"),
    }
    with open_bundle(write(tmp_path / "b", changes)) as bundle:
        report = validate_bundle(bundle)
    assert report.errors == []
