"""A disk-backed index of the ids seen while validating a bundle.

Validation must know, for every row, whether its id was seen before and whether the
rows it refers to were accepted. Holding every id of a national bundle in Python
would cost gigabytes, so ids live in a temporary SQLite table (one B-tree, a bounded
page cache) and are looked up a block of rows at a time.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterable

LOOKUP_BATCH = 900  # stays under SQLite's bound-parameter limit on every build


class IdIndex:
    """``(table, id) -> (row number, accepted?)``, first occurrence wins."""

    def __init__(self) -> None:
        fd, self.path = tempfile.mkstemp(prefix="caseguard-ids-", suffix=".sqlite")
        os.close(fd)
        self.db = sqlite3.connect(self.path)
        self.db.executescript(
            """
            PRAGMA journal_mode=OFF;
            PRAGMA synchronous=OFF;
            PRAGMA cache_size=-32768;
            PRAGMA temp_store=FILE;
            CREATE TABLE ids (tbl TEXT, id TEXT, row INTEGER, ok INTEGER,
                              PRIMARY KEY (tbl, id)) WITHOUT ROWID;
            """
        )

    def lookup(self, table: str, ids: Iterable[str]) -> dict[str, tuple[int, bool]]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, tuple[int, bool]] = {}
        for start in range(0, len(wanted), LOOKUP_BATCH):
            part = wanted[start : start + LOOKUP_BATCH]
            marks = ",".join("?" * len(part))
            query = f"SELECT id, row, ok FROM ids WHERE tbl = ? AND id IN ({marks})"
            for id_, row, ok in self.db.execute(query, [table, *part]):
                found[id_] = (row, bool(ok))
        return found

    def add(self, table: str, entries: Iterable[tuple[str, int, bool]]) -> None:
        self.db.executemany(
            "INSERT OR IGNORE INTO ids VALUES (?, ?, ?, ?)",
            ((table, id_, row, int(ok)) for id_, row, ok in entries),
        )

    def close(self) -> None:
        self.db.close()
        with contextlib.suppress(OSError):
            os.unlink(self.path)
