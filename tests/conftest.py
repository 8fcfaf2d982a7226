"""Fixtures shared by every test: small synthetic bundles and a PostgreSQL schema."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from caseguard.synth import synthesise

PG_BASE = os.environ.get("CASEGUARD_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def small_bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 60-case synthetic bundle as a CSV folder (read-only: copy it before changing it)."""
    path, _ = synthesise(60, 11, tmp_path_factory.mktemp("bundle") / "csv", "csv")
    return path


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(PG_BASE.replace("postgresql://", "postgresql+psycopg://"))
        with engine.connect() as conn:
            conn.execute(sa.text("select 1"))
        engine.dispose()
    except Exception as exc:  # any failure means: no server for these tests
        return f"{type(exc).__name__}"
    return None


@contextmanager
def pg_schema(prefix: str) -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards (or a skip)."""
    problem = _pg_reachable()
    if problem:
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE} ({problem}); set CASEGUARD_TEST_PG")
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(PG_BASE.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_BASE else "?"
    try:
        yield f"{PG_BASE}{sep}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    with pg_schema("t") as url:
        yield url
