"""Plain baselines for ``bench_load``: a bundle's CSV rows put into a database by the
database's own fastest plain means, with no validation, hashing or bookkeeping.

    .venv/bin/python -m bench.baseline_load sqlite BUNDLE_DIR DB_FILE
    .venv/bin/python -m bench.baseline_load postgresql BUNDLE_DIR URL

Each table becomes a table of the CSV's columns (all text) with the store's primary
key; SQLite gets ``executemany`` of ``csv.reader``'s rows in one transaction (WAL, as
the store), PostgreSQL ``COPY … FROM STDIN`` of the file's bytes in one transaction.
Only the primary keys are taken from caseguard's schema (no caseguard code runs).
"""

from __future__ import annotations

import csv
import sqlite3
import sys
from pathlib import Path

from caseguard.bundle.schema import TABLE_BY_NAME

COPY_BYTES = 1 << 20


def _ddl(name: str, header: list[str]) -> str:
    spec = TABLE_BY_NAME[name]
    cols = ", ".join(f'"{h}" TEXT' for h in header)
    keys = ", ".join(f'"{k}"' for k in spec.identity)
    return f'CREATE TABLE "{name}" ({cols}, PRIMARY KEY ({keys}))'


def _tables(bundle: Path) -> list[tuple[str, Path, list[str]]]:
    found = []
    for path in sorted(bundle.glob("*.csv")):
        with path.open(newline="", encoding="utf-8") as fh:
            found.append((path.stem, path, next(csv.reader(fh))))
    return found


def sqlite_executemany(bundle: Path, db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    for name, path, header in _tables(bundle):
        conn.execute(_ddl(name, header))
        marks = ", ".join("?" * len(header))
        with path.open(newline="", encoding="utf-8") as fh:
            rows = csv.reader(fh)
            next(rows)
            conn.executemany(f'INSERT INTO "{name}" VALUES ({marks})', rows)
    conn.commit()
    conn.close()


def pg_copy(bundle: Path, url: str) -> None:
    import psycopg

    with psycopg.connect(url) as conn, conn.cursor() as cur:
        for name, path, header in _tables(bundle):
            cur.execute(_ddl(name, header))
            with (
                path.open("rb") as fh,
                cur.copy(f'COPY "{name}" FROM STDIN (FORMAT csv, HEADER true)') as copy,
            ):
                while data := fh.read(COPY_BYTES):
                    copy.write(data)
        conn.commit()


def main(argv: list[str]) -> None:
    kind, bundle, where = argv
    if kind == "sqlite":
        sqlite_executemany(Path(bundle), Path(where))
    else:
        pg_copy(Path(bundle), where)


if __name__ == "__main__":
    main(sys.argv[1:])
