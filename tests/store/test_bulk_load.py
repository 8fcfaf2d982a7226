"""The bulk load stores what the row validator finds, and finds changes exactly.

Loads go through the block validator and bulk writes; these tests hold them to the
row validator's outcomes (accepted values, unknown columns, rejected rows' cells and
problems), and check that reloads tell added, changed and unchanged rows apart, in
bulk and through the reload of the very same files.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from caseguard.bundle import Accepted, Rejected, ValidationReport, Validator, open_bundle
from caseguard.bundle.schema import TABLE_BY_NAME, TABLE_NAMES
from caseguard.store import Store, bulk, bulkload
from caseguard.store.load import LoadResult
from caseguard.store.tables import BUNDLE_TABLES, extra_rows, rejected_rows
from tests.bundle.minimal import MINIMAL, replace, write
from tests.bundle.test_bad_rows import BAD_ROWS


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))


def _json(value: Any) -> str:
    from caseguard.bundle.values import to_text

    return json.dumps(value, sort_keys=True, default=to_text, ensure_ascii=False)


Expected = tuple[dict[str, list[dict[str, Any]]], list[tuple[Any, ...]], list[tuple[Any, ...]]]


def by_rows(path: Path) -> Expected:
    """What the row validator accepts and rejects, as the store should keep it."""
    accepted: dict[str, list[dict[str, Any]]] = {}
    rejected: list[tuple[Any, ...]] = []
    unknown: list[tuple[Any, ...]] = []
    with open_bundle(path) as bundle:
        report = ValidationReport(bundle.path, bundle.layout)
        for outcome in Validator().bundle_rows(bundle, report):
            if isinstance(outcome, Rejected):
                problems = _json([p.as_dict() for p in outcome.problems])
                rejected.append((outcome.table, outcome.number, _json(outcome.cells), problems))
            elif isinstance(outcome, Accepted) and outcome.table not in TABLE_BY_NAME:
                unknown.append((outcome.table, outcome.number, _json(outcome.extra)))
            else:
                extra = _json(outcome.extra) if outcome.extra else None
                accepted.setdefault(outcome.table, []).append({**outcome.values, "extra": extra})
    return accepted, rejected, unknown


def stored(store: Store) -> Expected:
    accepted: dict[str, list[dict[str, Any]]] = {}
    with store.engine.connect() as conn:
        for name, table in BUNDLE_TABLES.items():
            columns = [table.c[c] for c in (*TABLE_BY_NAME[name].names, "extra")]
            rows = conn.execute(sa.select(*columns).order_by(*table.primary_key.columns))
            if found := [dict(r._mapping) for r in rows]:
                accepted[name] = found
        kept = conn.execute(
            sa.select(
                rejected_rows.c.table_name,
                rejected_rows.c.row_number,
                rejected_rows.c.cells,
                rejected_rows.c.problems,
            ).order_by(rejected_rows.c.rejected_id)
        )
        rejected = [tuple(r) for r in kept]
        unknown = [
            tuple(r)
            for r in conn.execute(
                sa.select(extra_rows.c.table_name, extra_rows.c.row_number, extra_rows.c.cells)
            )
        ]
    return accepted, rejected, unknown


def _sorted(expected: Expected) -> Expected:
    accepted, rejected, unknown = expected
    order = {name: i for i, name in enumerate(TABLE_NAMES)}
    keys = {name: TABLE_BY_NAME[name].identity for name in accepted}
    return (
        {
            n: sorted(rows, key=lambda r, n=n: tuple(r[k] for k in keys[n]))
            for n, rows in accepted.items()
        },  # type: ignore[misc]
        sorted(rejected, key=lambda r: (order.get(r[0], 99), r[1])),
        sorted(unknown),
    )


CASES = [pytest.param(c[1], id=c[0]) for c in BAD_ROWS] + [
    pytest.param(
        {
            "cases": MINIMAL["cases"]
            .replace("team,area\n", "team,area,Force_Ref\n", 1)
            .replace(",T,A\n", ",T,A,x1\n"),
            "referrals": 'ref_id,note\nR1,"two\nlines"\nR2,\n',
        },
        id="unknown-columns-and-table",
    )
]


@pytest.mark.parametrize("changes", CASES)
def test_the_store_holds_what_the_row_validator_finds(
    db: str, tmp_path: Path, changes: dict[str, str]
) -> None:
    path = write(tmp_path / "b", changes)
    with Store.open(db) as store, open_bundle(path) as bundle:
        store.load(bundle)
        got = stored(store)
    assert _sorted(got) == _sorted(by_rows(path))


def test_a_synthetic_bundle_in_small_blocks_is_stored_as_rows_validate_it(
    db: str, small_bundle: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulkload, "BLOCK_BYTES", 2048)
    monkeypatch.setattr(bulk, "BATCH", 5)
    with Store.open(db) as store, open_bundle(small_bundle) as bundle:
        store.load(bundle)
        got = stored(store)
    assert _sorted(got) == _sorted(by_rows(small_bundle))


def _load(store: Store, path: Path) -> LoadResult:
    with open_bundle(path) as bundle:
        return store.load(bundle)


def _changes(result: LoadResult) -> dict[str, dict[str, int]]:
    return {name: c.as_dict() for name, c in result.changes.items() if any(c.as_dict().values())}


def _written_by(store: Store, table: str) -> list[int]:
    with store.engine.connect() as conn:
        return sorted(
            {int(v) for v in conn.execute(sa.select(BUNDLE_TABLES[table].c.load_id)).scalars()}
        )


def test_reload_of_the_same_files_reads_no_row_and_keeps_every_count(
    db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "b", replace("cases", "parent,open", "parent,pending"))
    with Store.open(db) as store:
        first = _load(store, path)
        from caseguard.bundle import fast

        def no_rows(*args: object, **kwargs: object) -> None:
            raise AssertionError("the same files were validated again")

        monkeypatch.setattr(fast.FastValidator, "bundle_frames", no_rows)
        again = _load(store, path)
        with store.engine.connect() as conn:
            kept = conn.execute(
                sa.select(rejected_rows.c.load_id, rejected_rows.c.cells, rejected_rows.c.problems)
            ).all()
    assert again.report.as_dict() == first.report.as_dict()
    for name, count in again.report.tables.items():
        assert again.changes[name].as_dict() == {
            "added": 0,
            "changed": 0,
            "unchanged": count.accepted,
        }
    # the rejected row is kept for the new load too, as a full load would keep it
    old = [r[1:] for r in kept if r[0] == first.load_id]
    new = [r[1:] for r in kept if r[0] == again.load_id]
    assert len(old) == first.report.rejected > 0
    assert new == old


def test_same_rows_in_other_bytes_are_compared_and_not_written(db: str, tmp_path: Path) -> None:
    first = write(tmp_path / "lf")
    crlf = write(tmp_path / "crlf", {t: v.replace("\n", "\r\n") for t, v in MINIMAL.items()})
    with Store.open(db) as store:
        loaded = _load(store, first)
        again = _load(store, crlf)
        assert _written_by(store, "notes") == [loaded.load_id]
    assert _changes(again) == {
        name: {"added": 0, "changed": 0, "unchanged": t.accepted}
        for name, t in again.report.tables.items()
        if t.accepted
    }


def test_one_changed_row_among_many_blocks_is_found_exactly(
    db: str, small_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulkload, "BLOCK_BYTES", 4096)
    changed = tmp_path / "changed"
    shutil.copytree(small_bundle, changed)
    notes = (changed / "notes.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    last = notes[-1].split(",")
    last[4] = "review" if last[4] != "review" else "log"  # the kind of the last note
    notes[-1] = ",".join(last)
    extra = "N9999999," + ",".join(last[1:])
    (changed / "notes.csv").write_text("".join([*notes, extra]), encoding="utf-8")
    with Store.open(db) as store:
        _load(store, small_bundle)
        again = _load(store, changed)
    assert _changes(again)["notes"] == {
        "added": 1,
        "changed": 1,
        "unchanged": again.report.tables["notes"].accepted - 2,
    }
    assert set(_changes(again)) == {"notes"} | {
        n for n, t in again.report.tables.items() if t.accepted and n != "notes"
    }


def test_unknown_columns_that_go_away_are_cleared(db: str, tmp_path: Path) -> None:
    with_extra = write(
        tmp_path / "x", {"staff": "staff_id,role,team,room\nS1,officer,T,4\nS2,supervisor,T,\n"}
    )
    with Store.open(db) as store:
        _load(store, with_extra)
        again = _load(store, write(tmp_path / "plain"))
        with store.engine.connect() as conn:
            extra = conn.execute(sa.select(BUNDLE_TABLES["staff"].c.extra)).scalars().all()
    assert again.changes["staff"].as_dict() == {"added": 0, "changed": 2, "unchanged": 0}
    assert extra == [None, None]


def test_a_load_in_between_means_the_files_are_read_again(db: str, tmp_path: Path) -> None:
    a = write(tmp_path / "a")
    b = write(tmp_path / "b", replace("cases", "cse,2024-03-01T10:00", "csa,2024-03-01T10:00"))
    with Store.open(db) as store:
        _load(store, a)
        _load(store, b)
        third = _load(store, a)
    assert third.changes["cases"].as_dict() == {"added": 0, "changed": 1, "unchanged": 1}


def test_row_hash_is_fixed_for_a_known_row() -> None:
    """The hash of a row is the same in every process and every library version: a
    change to the canonical text, Polars' JSON or BLAKE3 would change this value."""
    code = (
        "import datetime as dt, polars as pl\n"
        "from caseguard.bundle.fast import schema_of\n"
        "from caseguard.bundle.schema import TABLE_BY_NAME\n"
        "from caseguard.store.rowhash import hash_expr\n"
        "spec = TABLE_BY_NAME['missing_episodes']\n"
        "row = {'__row': 2, 'episode_id': 'E1', 'child_id': 'C1',\n"
        "       'reported_at': dt.datetime(2024, 2, 1, 20, 0, 0, 5), 'returned_at': None,\n"
        "       'risk_grade': 'high', 'found_location': 'café \"quoted\"\\nline',\n"
        "       'found_with_person_id': None, 'return_interview_offered_at': None,\n"
        "       'return_interview_completed_at': None, 'case_id': 'K1',\n"
        "       '__extra': '{\"x\": \"1\"}'}\n"
        "frame = pl.DataFrame([row], schema={**schema_of(spec), '__extra': pl.String})\n"
        "print(frame.select(hash_expr(spec, '__extra')).item())\n"
        "kids = TABLE_BY_NAME['children']\n"
        "row = {'__row': 2, 'child_id': 'C1', 'date_of_birth': dt.date(2009, 5, 1),\n"
        "       'sex': 'female', 'looked_after': True, 'local_authority': None,\n"
        "       'display_name': 'A B', '__extra': None}\n"
        "frame = pl.DataFrame([row], schema={**schema_of(kids), '__extra': pl.String})\n"
        "print(frame.select(hash_expr(kids, '__extra')).item())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == GOLDEN


GOLDEN = ["ff1ac50cefc194dfc11b42163ff73fff", "8bb7e4fb48b8dbb9316ab7db1b98ba6d"]
