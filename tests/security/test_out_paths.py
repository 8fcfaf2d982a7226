"""Where a command writes (issue 9: "bad input gets a clear error"; no traceback).

Every command that writes a file or folder given by ``--out`` (or a SQLite store given by
``--db``) makes the missing folders above it, as ``mkdir -p`` does; where it cannot (a file
stands where a folder should be), it stops before any work with exit code 2 and a message
naming the folder. Each command is a row, run on a missing folder and on a blocked one.
A SQLite store is the exception by design: ``--db`` in a missing folder is refused (exit
2, naming the folder), so a mistyped path never starts a new, empty store.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bundle.minimal import write
from tests.security.hostile import run_cli

# (id, the command's arguments with {out} for the path, what it writes under {out}'s name)
COMMANDS = [
    ("synth-folder", ["synth", "--cases", "3", "--out", "{out}/bundle"], "bundle"),
    (
        "synth-xlsx",
        ["synth", "--cases", "3", "--format", "xlsx", "--out", "{out}/b.xlsx"],
        "b.xlsx",
    ),
    ("audit", ["audit", "{bundle}", "--out", "{out}/audit", "--report", "none"], "audit"),
    ("report", ["report", "{audit}", "--out", "{out}/report", "--format", "html"], "report"),
    ("sample", ["sample", "{bundle}", "--size", "1", "--out", "{out}/sample.csv"], "sample.csv"),
    ("compare", ["compare", "{audit}", "{audit}", "--out", "{out}/compare.txt"], "compare.txt"),
    ("export-findings", ["export", "findings", "{audit}", "--out", "{out}/f.csv"], "f.csv"),
    (
        "export-challenges",
        ["export", "challenges", "--db", "{db}", "--since", "2024-01-01", "--out", "{out}/c.csv"],
        "c.csv",
    ),
    ("access-log", ["access-log", "export", "--db", "{db}", "--out", "{out}/log.csv"], "log.csv"),
    (
        "concerns",
        ["concerns", "report", "--db", "{db}", "--out", "{out}/concerns", "--format", "html"],
        "concerns",
    ),
    ("demo", ["demo", "--cases", "3", "--out", "{out}/demo"], "demo"),
]
SLOW = {"demo"}  # runs only where it stops before any work


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("inputs")
    bundle = write(root / "bundle")
    db, audit = root / "store.db", root / "audit"
    assert run_cli("load", bundle, "--db", db).code == 0
    assert run_cli("audit", db, "--out", audit, "--report", "none", "--workers", "1").code == 0
    return {"bundle": bundle, "db": db, "audit": audit}


def _args(template: list[str], out: Path, inputs: dict[str, Path]) -> list[str]:
    fields = {"out": str(out), **{k: str(v) for k, v in inputs.items()}}
    return [a.format(**fields) for a in template]


@pytest.mark.parametrize(
    ("template", "made"),
    [pytest.param(*row[1:], id=row[0]) for row in COMMANDS if row[0] not in SLOW],
)
def test_a_missing_folder_is_made(
    tmp_path: Path, inputs: dict[str, Path], template: list[str], made: str
) -> None:
    out = tmp_path / "not" / "there" / "yet"
    done = run_cli(*_args(template, out, inputs))
    assert done.code in (0, 1), done.err
    assert (out / made).exists()


@pytest.mark.parametrize(
    ("template", "made"),
    [pytest.param(*row[1:], id=row[0]) for row in COMMANDS],
)
def test_a_blocked_folder_is_a_clear_error(
    tmp_path: Path, inputs: dict[str, Path], template: list[str], made: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    out = tmp_path / "a-file" / "sub"
    done = run_cli(*_args(template, out, inputs))
    assert done.code == 2
    assert str(out) in done.err and "Not a directory" in done.err
    assert "Traceback" not in done.out + done.err


def test_an_output_folder_that_is_a_file_is_refused(
    tmp_path: Path, inputs: dict[str, Path]
) -> None:
    (tmp_path / "audit").write_text("a file\n")
    done = run_cli("audit", inputs["bundle"], "--out", tmp_path / "audit", "--report", "none")
    assert done.code == 2
    assert f"{tmp_path / 'audit'} exists and is not a folder" in done.err


def test_a_file_the_command_cannot_write_is_exit_2_naming_it(
    tmp_path: Path, inputs: dict[str, Path]
) -> None:
    """Past the option's check (here a folder where cases.csv goes): the one handler."""
    (tmp_path / "audit" / "cases.csv").mkdir(parents=True)
    done = run_cli("audit", inputs["bundle"], "--out", tmp_path / "audit", "--workers", "1")
    assert done.code == 2
    assert "cases.csv" in done.err and "Traceback" not in done.out + done.err


@pytest.mark.parametrize("folder", ["missing/folder", "a-file/sub"])
def test_a_store_in_a_folder_that_is_not_there_is_refused(
    tmp_path: Path, inputs: dict[str, Path], folder: str
) -> None:
    (tmp_path / "a-file").write_text("not a folder\n")
    done = run_cli("load", inputs["bundle"], "--db", tmp_path / folder / "store.db")
    assert done.code == 2
    assert f"the folder for the SQLite file does not exist: {tmp_path / folder}" in done.err
    assert not (tmp_path / "missing").exists()
