"""Loading bundles into SQLite and PostgreSQL: atomic, idempotent, nothing lost."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseguard.bundle import open_bundle
from caseguard.errors import BundleError
from caseguard.store import Store, bulk, bulkload
from caseguard.store import load as load_module
from caseguard.store.tables import BUNDLE_TABLES, extra_rows, rejected_rows
from tests.bundle.minimal import MINIMAL, replace, write


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return str(request.getfixturevalue("pg_url"))


def _snapshot(store: Store) -> dict[str, list[tuple[object, ...]]]:
    with store.engine.connect() as conn:
        return {
            name: sorted(tuple(str(v) for v in r) for r in conn.execute(sa.select(t)))
            for name, t in BUNDLE_TABLES.items()
        }


def test_load_counts_match_bundle(db: str, small_bundle: Path) -> None:
    with Store.open(db) as store, open_bundle(small_bundle) as bundle:
        result = store.load(bundle)
        counts = store.row_counts()
    for name, table in result.report.tables.items():
        assert counts[name] == table.accepted
        assert result.changes.get(name, load_module.Changes()).added == table.accepted
    assert counts["cases"] == 60


def test_reload_is_idempotent_and_reports_unchanged(db: str, small_bundle: Path) -> None:
    with Store.open(db) as store:
        with open_bundle(small_bundle) as bundle:
            store.load(bundle)
        before = _snapshot(store)
        with open_bundle(small_bundle) as bundle:
            again = store.load(bundle)
        assert _snapshot(store) == before
    for name, changes in again.changes.items():
        assert changes.added == changes.changed == 0, name
        assert changes.unchanged == again.report.tables[name].accepted


def test_changed_rows_are_updated_and_counted(db: str, tmp_path: Path) -> None:
    first = write(tmp_path / "v1")
    second = write(
        tmp_path / "v2", replace("cases", "cse,2024-03-01T10:00", "csa,2024-03-01T10:00")
    )
    with Store.open(db) as store:
        with open_bundle(first) as bundle:
            store.load(bundle)
        with open_bundle(second) as bundle:
            result = store.load(bundle)
        with store.engine.connect() as conn:
            category = conn.execute(
                sa.text("select category from cases where case_id='K1'")
            ).scalar()
    assert result.changes["cases"].as_dict() == {"added": 0, "changed": 1, "unchanged": 1}
    assert category == "csa"


def test_rejected_rows_and_unknown_tables_are_kept(db: str, tmp_path: Path) -> None:
    changes = {**replace("cases", "parent,open", "parent,pending"), "referrals": "ref_id,x\nR1,2\n"}
    with Store.open(db) as store, open_bundle(write(tmp_path / "b", changes)) as bundle:
        result = store.load(bundle)
        with store.engine.connect() as conn:
            kept = conn.execute(sa.select(rejected_rows)).mappings().all()
            extra = conn.execute(sa.select(extra_rows)).mappings().all()
    assert result.report.tables["cases"].rejected == 1
    assert [(r["table_name"], r["row_number"]) for r in kept if r["table_name"] == "cases"] == [
        ("cases", 2)
    ]
    problems = json.loads(kept[0]["problems"])
    assert problems[0]["column"] == "status"
    assert json.loads(kept[0]["cells"])["status"] == "pending"
    assert [(r["table_name"], json.loads(r["cells"])) for r in extra] == [
        ("referrals", {"ref_id": "R1", "x": "2"})
    ]


def test_failure_half_way_leaves_store_unchanged(
    db: str, small_bundle: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # small blocks and batches, so several are written before the failure
    monkeypatch.setattr(bulkload, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(bulk, "BATCH", 7)
    broken = tmp_path / "broken"
    shutil.copytree(small_bundle, broken)
    with (broken / "notes.csv").open("ab") as fh:
        fh.write(b"N9999999,K0000001,S00001,2024-05-01T10:00,log,bad byte \xff here\n")
    with Store.open(db) as store:
        with open_bundle(write(tmp_path / "first")) as bundle:
            store.load(bundle)
        before = _snapshot(store)
        with pytest.raises(BundleError, match="not UTF-8"), open_bundle(broken) as bundle:
            store.load(bundle)
        assert _snapshot(store) == before


def test_migrations_match_the_tables(db: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from caseguard.store import metadata

    with Store.open(db) as store, store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), metadata)
    assert diff == []


def test_unreachable_database_is_a_clear_error() -> None:
    from caseguard.errors import StoreError

    with pytest.raises(StoreError, match="cannot open the store") as info:
        Store.open("postgresql://nobody:secret@127.0.0.1:1/none")
    assert "secret" not in str(info.value)


def test_sqlite_file_in_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    from caseguard.errors import StoreError

    with pytest.raises(StoreError, match="folder"):
        Store.open(str(tmp_path / "nope" / "x.db"))


def test_minimal_bundle_values_are_typed(tmp_path: Path) -> None:
    import datetime as dt

    with Store.open(str(tmp_path / "s.db")) as store, open_bundle(write(tmp_path / "b")) as bundle:
        store.load(bundle)
        with store.engine.connect() as conn:
            row = conn.execute(
                sa.text("select reported_at, closed_at from cases where case_id='K2'")
            ).one()
    # 2024-03-05 (a date alone, London, GMT) is midnight UTC; 09:00 BST on 1 May is 08:00 UTC
    assert dt.datetime.fromisoformat(str(row[0])) == dt.datetime(2024, 3, 5, 0, 0)
    assert dt.datetime.fromisoformat(str(row[1])) == dt.datetime(2024, 5, 1, 8, 0)
    assert MINIMAL  # the fixture text is the source of these values


def test_a_refused_bulk_write_is_a_clean_error_and_rolls_back(
    tmp_path: Path, small_bundle: Path
) -> None:
    """The database refusing a row half way through the bulk writes (here a trigger, in
    the writing thread) ends the load with a clean error and the store as it was."""
    from caseguard.errors import StoreError

    db = str(tmp_path / "store.db")
    with Store.open(db) as store:
        with open_bundle(write(tmp_path / "first")) as bundle:
            store.load(bundle)
        before = _snapshot(store)
        with store.engine.begin() as conn:
            conn.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON actions "
                "BEGIN SELECT RAISE(ABORT, 'refused by a trigger'); END"
            )
        with (
            pytest.raises(StoreError, match="the load was rolled back"),
            open_bundle(small_bundle) as bundle,
        ):
            store.load(bundle)
        assert _snapshot(store) == before
