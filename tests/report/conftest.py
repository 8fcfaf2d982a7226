"""Shared fixtures: one synthetic bundle, its audit, and reports built from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseguard.audit import run_audit
from caseguard.synth import synthesise

KEY = b"test-key-not-secret"


def _run_audit(bundle: Path, out: Path) -> Path:
    """The real audit, language screen included."""
    run_audit(str(bundle), out)
    return out


@pytest.fixture(scope="session")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = synthesise(200, 5, tmp_path_factory.mktemp("bundle") / "b")
    return path


@pytest.fixture(scope="session")
def audit_dir(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _run_audit(bundle, tmp_path_factory.mktemp("audit") / "a")


@pytest.fixture(scope="session")
def small_audits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("small")
    a_bundle, _ = synthesise(40, 1, root / "ba")
    b_bundle, _ = synthesise(40, 2, root / "bb")
    return _run_audit(a_bundle, root / "a"), _run_audit(b_bundle, root / "b")


@pytest.fixture(scope="session")
def report_dir(audit_dir: Path, bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from caseguard.report import build_report

    out = tmp_path_factory.mktemp("report") / "out"
    build_report(audit_dir, out, data_source=bundle, key=KEY)
    return out


@pytest.fixture(scope="session")
def identified_dir(audit_dir: Path, bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from caseguard.report import build_report

    out = tmp_path_factory.mktemp("ident") / "out"
    build_report(audit_dir, out, data_source=bundle, key=KEY, identify=True)
    return out
