"""``caseguard screen`` and ``language-eval``: outputs, exit codes and clean errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main

HERE = Path(__file__).parent
NOTES = "She was seen at school.\nJade continues to place herself at risk.\n"


@pytest.fixture
def notes(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_text(NOTES, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_text_output_reads_like_a_linter(notes: Path) -> None:
    code, out, _ = run("screen", str(notes))
    assert code == 1
    assert out.startswith(f"{notes}:2:19  VB-PLACING-AT-RISK  'place herself at risk': ")
    assert "→" in out


def test_jsonl_output(notes: Path) -> None:
    code, out, _ = run("screen", "--format", "jsonl", str(notes))
    (line,) = out.splitlines()
    data = json.loads(line)
    assert code == 1
    for key in ("note_id", "start", "end", "match", "rule", "category", "message", "suggestion"):
        assert key in data
    assert data["rule"] == "VB-PLACING-AT-RISK" and data["match"] == "place herself at risk"


def test_json_output_and_clean_exit(tmp_path: Path, notes: Path) -> None:
    code, out, _ = run("screen", "--format", "json", str(notes))
    assert code == 1 and len(json.loads(out)) == 1
    clean = tmp_path / "clean.txt"
    clean.write_text("She was seen at school.\n", encoding="utf-8")
    code, out, _ = run("screen", "--format", "json", str(clean))
    assert code == 0 and json.loads(out) == []
    assert run("screen", str(clean))[0] == 0


def test_csv_input_with_ages(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "note_id,text,child_age\n"
        "a1,She is sexually active.,19\n"
        'a2,"She is sexually active, officers believe.",14\n',
        encoding="utf-8",
    )
    code, out, _ = run("screen", "--format", "jsonl", str(path))
    assert code == 1
    assert [json.loads(line)["note_id"] for line in out.splitlines()] == ["a2"]


def test_age_option_applies_when_the_file_has_none(notes: Path, tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("She is sexually active.\n", encoding="utf-8")
    assert run("screen", "--age", "19", str(path))[0] == 0
    assert run("screen", "--age", "15", str(path))[0] == 1


def test_no_under_13_wording_for_an_older_child(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("She is sexually active.\n", encoding="utf-8")
    code, out, _ = run("screen", "--age", "15", str(path))
    assert code == 1 and "raped" not in out and "under 13" not in out
    code, out, _ = run("screen", "--age", "12", "--format", "json", str(path))
    assert json.loads(out)[0]["suggestion"] == "the child has been raped"


def test_every_format_names_the_note_and_the_case(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "note_id,case_id,text,child_age\nN-7,C-3,She continues to place herself at risk.,14\n",
        encoding="utf-8",
    )
    code, out, _ = run("screen", str(path))
    assert code == 1 and f"{path}:2:" in out and "case C-3  note N-7  VB-PLACING-AT-RISK" in out
    for fmt in ("jsonl", "json"):
        out = run("screen", "--format", fmt, str(path))[1]
        data = json.loads(out.splitlines()[0]) if fmt == "jsonl" else json.loads(out)[0]
        assert (data["note_id"], data["case_id"]) == ("N-7", "C-3")


def test_advisory_flag(tmp_path: Path) -> None:
    path = tmp_path / "n.txt"
    path.write_text("She disclosed historical sexual abuse.\n", encoding="utf-8")
    assert run("screen", str(path))[0] == 0
    assert run("screen", "--advisory", str(path))[0] == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "no such file or folder"),
        ("notext.csv", b"note_id,body\n1,She keeps going missing.\n", "no 'text' column"),
        ("latin1.txt", "She keeps going missing, caf\xe9\n".encode("latin-1"), "not UTF-8"),
        ("ages.csv", b"note_id,text,child_age\n1,secret words,old\n", "child_age is not a number"),
    ],
)
def test_bad_input_is_a_clean_error(
    tmp_path: Path, name: str, content: bytes | None, message: str
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    code, out, err = run("screen", str(path))
    assert code == 2
    assert message in err and "Traceback" not in err + out
    assert "keeps going missing" not in err and "secret words" not in err


def test_bundle_input(small_bundle: Path) -> None:
    code, out, err = run("screen", "--format", "jsonl", str(small_bundle))
    assert code in (0, 1), err
    for line in out.splitlines():
        data = json.loads(line)
        assert data["note_id"] and data["case_id"]
    code, out, _ = run("screen", str(small_bundle))
    for line in out.splitlines():
        assert "  case " in line and "  note " in line


def test_language_eval_reports_each_set_on_its_own() -> None:
    sets = [str(HERE / name) for name in ("devset.csv", "realtext.csv")]
    code, out, _ = run("language-eval", *sets)
    assert code == 0
    assert out.count("precision") == 3 and all(f"== {s}" in out for s in sets)


def test_language_eval_prints_figures_and_misses() -> None:
    code, out, _ = run("language-eval", str(HERE / "devset.csv"))
    assert code == 0
    assert "precision" in out and "recall" in out and "F1" in out
    assert "false negatives" in out and "false positives" in out
