"""A store with the small synthetic bundle loaded and audited once (copied per test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from caseguard.audit import run_audit
from caseguard.bundle import open_bundle
from caseguard.store import Store


@pytest.fixture(scope="session")
def audited_template(tmp_path_factory: pytest.TempPathFactory, small_bundle: Path) -> Path:
    folder = tmp_path_factory.mktemp("workflow")
    db = folder / "store.db"
    with Store.open(str(db)) as store, open_bundle(small_bundle) as bundle:
        store.load(bundle)
    run_audit(str(db), folder / "run1", workers=1, record_in=str(db))
    return db


@pytest.fixture
def audited(tmp_path: Path, audited_template: Path) -> str:
    """A fresh copy of the audited store, for a test that records decisions."""
    db = tmp_path / "store.db"
    shutil.copy(audited_template, db)
    return str(db)
