"""Chunks audited in worker processes give the same outputs as one process."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.audit import run_audit
from caseguard.audit.chunks import default_workers
from caseguard.audit.outputs import Tally
from caseguard.cli import main
from caseguard.errors import AuditError
from caseguard.standards.screening import NoteScreen
from caseguard.synth import synthesise

OUTPUTS = ("cases.csv", "findings.jsonl", "summary.json")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path, _ = synthesise(200, 5, tmp_path_factory.mktemp("b") / "csv", "csv")
    return path


@pytest.mark.parametrize("language", [True, False])
def test_workers_give_identical_outputs(bundle: Path, tmp_path: Path, language: bool) -> None:
    one = run_audit(bundle, tmp_path / "one", chunk_children=30, workers=1, language=language)
    two = run_audit(bundle, tmp_path / "two", chunk_children=30, workers=2, language=language)
    assert one.summary == two.summary
    for name in OUTPUTS:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert one.cases == 200
    lines = (tmp_path / "two" / "findings.jsonl").read_text().splitlines()
    assert len(lines) == sum(sum(r.values()) for r in two.rules.values())


class Broken:
    """A screen that fails on one note (module level, so that it pickles to workers)."""

    def __call__(self, text: str, *, child_age: int | None, note_id: str) -> NoteScreen:
        if note_id.endswith("7"):
            raise RuntimeError("screen failed")
        return NoteScreen((), ())


def test_a_failing_worker_fails_the_audit_and_leaves_no_outputs(
    bundle: Path, tmp_path: Path
) -> None:
    with pytest.raises(RuntimeError, match="screen failed"):
        run_audit(bundle, tmp_path, chunk_children=30, workers=2, screen=Broken())
    assert not list(tmp_path.iterdir())


class Dies:
    """A screen whose process stops dead, as when the system kills it for memory."""

    def __call__(self, text: str, *, child_age: int | None, note_id: str) -> NoteScreen:
        os._exit(9)


def test_a_worker_that_dies_is_a_clear_error(bundle: Path, tmp_path: Path) -> None:
    with pytest.raises(AuditError, match=r"worker process .* stopped") as caught:
        run_audit(bundle, tmp_path, chunk_children=30, workers=2, screen=Dies())
    assert "--workers 1" in str(caught.value)
    assert not list(tmp_path.iterdir())


def test_cli_workers_option(bundle: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["audit", str(bundle), "--out", str(tmp_path), "--no-language", "--report", "none"]
    ran = runner.invoke(main, [*args, "--workers", "2"])
    assert ran.exit_code == 0, ran.output
    bad = runner.invoke(main, [*args, "--workers", "0"])
    assert bad.exit_code == 2
    assert "--workers" in bad.output


def test_tally_merge_adds_counts() -> None:
    a, b = Tally(), Tally()
    a.grades.update(good=2, inadequate=1)
    b.grades.update(good=1)
    a.rules["SEEN"].update({"pass": 2})
    b.rules["SEEN"].update({"pass": 1, "fail": 4})
    b.groups["team"]["T1"].update(good=1)
    a.merge(b)
    assert a.grades == Counter(good=3, inadequate=1)
    assert a.rules["SEEN"] == Counter({"pass": 3, "fail": 4})
    assert a.groups["team"]["T1"] == Counter(good=1)


def test_default_workers_is_at_least_one() -> None:
    assert 1 <= default_workers() <= 8
