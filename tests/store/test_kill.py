"""A load killed with SIGKILL at any point leaves the store exactly as it was.

``caseguard load`` runs in a child process and is killed (``kill -9``: nothing of
caseguard's runs after it) at several points of its bulk writes, each seen from
outside: SQLite's write-ahead log reaching a size, or PostgreSQL running a given
statement for the load's connection (its ``application_name``). Each point starts from
the same store: empty, or holding an earlier load. The store must then hold exactly
what it held before, or (killed after its commit) the whole load.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseguard.bundle import open_bundle
from caseguard.store import Store
from caseguard.store.engine import resolve_url
from caseguard.store.tables import BUNDLE_TABLES, extra_rows, loads, rejected_rows
from caseguard.synth import synthesise
from tests.conftest import pg_schema

APP = "caseguard-kill-test"
WAIT = 120.0

Snapshot = dict[str, list[tuple[str, ...]]]


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("kill")
    small, _ = synthesise(30, 5, root / "small", "csv")
    big, _ = synthesise(1200, 6, root / "big", "csv")
    return small, big


def snapshot(url: str) -> Snapshot:
    with Store.open(url) as store, store.engine.connect() as conn:
        tables = {**BUNDLE_TABLES, "loads": loads, "rejected": rejected_rows, "extra": extra_rows}
        return {
            name: sorted(tuple(str(v) for v in row) for row in conn.execute(sa.select(t)))
            for name, t in tables.items()
        }


def _load(bundle: Path, url: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "caseguard", "load", str(bundle), "--db", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _kill_when(proc: subprocess.Popen[bytes], ready: Callable[[], bool]) -> bool:
    """Kills the load when ``ready()``; whether it was still running then."""
    end = time.monotonic() + WAIT
    while proc.poll() is None and time.monotonic() < end and not ready():
        time.sleep(0.005)
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=WAIT)
    return running


def counts(shot: Snapshot) -> dict[str, int]:
    return {name: len(rows) for name, rows in shot.items()}


def _check(url: str, before: Snapshot, whole: dict[str, int]) -> None:
    """The store is as it was, or (killed after its commit) holds the whole load."""
    after = snapshot(url)
    if after != before:
        assert counts(after) == whole


# --- SQLite: killed as its write-ahead log grows ------------------------------------

WAL_POINTS = [0, 256 << 10, 2 << 20, 6 << 20]


def _wal_over(db: Path, size: int) -> Callable[[], bool]:
    wal = Path(f"{db}-wal")

    def ready() -> bool:
        try:
            return wal.stat().st_size > size and _loading(db)
        except FileNotFoundError:
            return False

    return ready


def _loading(db: Path) -> bool:
    """Whether a writer holds the store (the load's transaction has begun)."""
    try:
        with sqlite3.connect(db, timeout=0) as conn:
            conn.execute("BEGIN IMMEDIATE")
            conn.rollback()
        return False
    except sqlite3.OperationalError:
        return True


@pytest.mark.parametrize("earlier", [False, True], ids=["empty-store", "over-an-earlier-load"])
def test_sqlite_load_killed_at_any_point_leaves_the_store_as_it_was(
    tmp_path: Path, bundles: tuple[Path, Path], earlier: bool
) -> None:
    small, big = bundles
    seed = tmp_path / "seed.db"
    with Store.open(str(seed)) as store:
        if earlier:
            with open_bundle(small) as bundle:
                store.load(bundle)
    before = snapshot(str(seed))
    reference = tmp_path / "whole.db"
    shutil.copy(seed, reference)
    assert _load(big, str(reference)).wait(timeout=WAIT) == 0
    whole = counts(snapshot(str(reference)))
    killed_mid_way = 0
    for number, size in enumerate(WAL_POINTS):
        db = tmp_path / f"store{number}.db"
        shutil.copy(seed, db)
        killed = _kill_when(_load(big, str(db)), _wal_over(db, size))
        killed_mid_way += killed
        with sqlite3.connect(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        _check(str(db), before, whole)
    assert killed_mid_way >= len(WAL_POINTS) - 1, "the loads ended before they were killed"


# --- PostgreSQL: killed while a given statement runs ---------------------------------

PG_POINTS = {
    False: ["COPY", "CREATE INDEX"],  # straight into empty tables, indexes built at the end
    True: ["COPY", "INSERT INTO"],  # staged, then the one upsert per table
}


@contextmanager
def _pg_store(earlier: bool, small: Path) -> Iterator[str]:
    with pg_schema("k") as url:
        with Store.open(url) as store:
            if earlier:
                with open_bundle(small) as bundle:
                    store.load(bundle)
        yield url


@contextmanager
def _running(url: str, words: str) -> Iterator[Callable[[], bool]]:
    engine = sa.create_engine(resolve_url(url))

    def ready() -> bool:
        with engine.connect() as conn:
            found = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = :app "
                    "AND state = 'active' AND query LIKE :words"
                ),
                {"app": APP, "words": f"{words}%"},
            ).scalar_one()
        return bool(found)

    try:
        yield ready
    finally:
        engine.dispose()


@pytest.mark.parametrize("earlier", [False, True], ids=["empty-store", "over-an-earlier-load"])
def test_postgresql_load_killed_at_any_point_leaves_the_store_as_it_was(
    bundles: tuple[Path, Path], earlier: bool
) -> None:
    small, big = bundles
    with _pg_store(earlier, small) as url:
        assert _load(big, url).wait(timeout=WAIT) == 0
        whole = counts(snapshot(url))
    killed_mid_way = 0
    for words in PG_POINTS[earlier]:
        with _pg_store(earlier, small) as url:
            before = snapshot(url)
            traced = f"{url}&application_name={APP}"
            with _running(url, words) as ready:
                killed = _kill_when(_load(big, traced), ready)
            killed_mid_way += killed
            time.sleep(0.2)  # the server notices the closed connection and rolls back
            _check(url, before, whole)
    assert killed_mid_way >= 1, "the loads ended before they were killed"
