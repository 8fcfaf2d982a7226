"""The CSV fast path (raw blocks, candidate records parsed) finds what the ``csv`` module does."""

from __future__ import annotations

import csv
import io
import json
import random
import re
from pathlib import Path

import pytest

from caseguard.language import csvblocks
from caseguard.language.formats import write_findings
from caseguard.language.inputs import AGE, InputError, csv_notes, note_batches
from caseguard.language.screen import screen_batches, screen_notes

HERE = Path(__file__).parent


def _texts() -> list[str]:
    with (HERE / "devset.csv").open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def _reference(path: Path) -> str:
    out = io.StringIO()
    write_findings(screen_notes(csv_notes(path)), "jsonl", out)
    return out.getvalue()


def _fast(path: Path) -> str:
    out = io.StringIO()
    write_findings(screen_batches(note_batches(path)), "jsonl", out)
    return out.getvalue()


def _write(path: Path, rows: list[list[str]], *, crlf: bool = False, bom: bool = False) -> None:
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n" if crlf else "\n")
        writer.writerows(rows)


def _rows(seed: int, count: int, *, commas: bool) -> list[list[str]]:
    rng = random.Random(seed)
    texts = [t if commas else t.replace(",", " ").replace('"', " ") for t in _texts()]
    rows = [["note_id", "text", "child_age"]]
    for number in range(count):
        text = " ".join(rng.choice(texts) for _ in range(rng.randint(1, 3)))
        rows.append([f"n{number}", text, rng.choice(["14", "", " 19 ", "15.5"])])
    return rows


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("bom", [False, True])
def test_simple_csv_same_findings_and_lines(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crlf: bool, bom: bool
) -> None:
    monkeypatch.setattr(csvblocks, "BLOCK", 4096)
    path = tmp_path / "notes.csv"
    _write(path, _rows(1, 600, commas=False), crlf=crlf, bom=bom)
    fast = _fast(path)
    assert fast == _reference(path)
    assert len(fast.splitlines()) > 20


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("block", [64, 4096])
def test_quoted_csv_same_findings_and_real_line_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crlf: bool, block: int
) -> None:
    monkeypatch.setattr(csvblocks, "BLOCK", block)
    rows = _rows(2, 400, commas=True)
    rows[300][1] = "Line one\nShe keeps going missing, officers say.\n\nand more"
    rows[350][1] = 'She said "she continues to place herself at risk".'
    rows[360][1] = '"She keeps going\r\nmissing", ""quoted"", and "placing herself at risk"'
    rows[370][2] = " 15 "
    path = tmp_path / "notes.csv"
    _write(path, rows, crlf=crlf)
    fast = _fast(path)
    assert fast == _reference(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    for finding in map(json.loads, fast.splitlines()):
        number = int(finding["note_id"][1:])
        assert lines[finding["line"] - 1].startswith(f"n{number},")


def test_malformed_quotes_fall_back_to_the_csv_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(csvblocks, "BLOCK", 4096)
    path = tmp_path / "notes.csv"
    lines = [f"n{i},She keeps going missing {i},14" for i in range(300)]
    lines[150] = 'n150,He said "she keeps going missing" and left,14'
    lines[200] = 'n200,"She keeps going missing"x,14'
    lines[250] = "n250,a bare\rreturn: she keeps going missing,14"
    path.write_text("note_id,text,child_age\n" + "\n".join(lines) + "\n", encoding="utf-8")
    fast = _fast(path)
    assert fast == _reference(path)
    assert len(fast.splitlines()) > 250


def test_blank_lines_and_short_rows(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "note_id,text,child_age\n\na1\na2,She keeps going missing.,14\n\n"
        "a3,She is sexually active.\na4,She is sexually active.,19",
        encoding="utf-8",
    )
    fast = _fast(path)
    assert fast == _reference(path)
    assert [json.loads(x)["line"] for x in fast.splitlines()] == [4, 6]


def test_bad_age_in_a_record_without_hits_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("note_id,text,child_age\n\na1,fine,14\na2,secret words,old\n", encoding="utf-8")
    with pytest.raises(InputError, match="line 4: child_age is not a number"):
        _fast(path)


def test_unicode_space_around_an_age_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("note_id,text,child_age\na1,She is sexually active.,\u00a019\n", "utf-8")
    assert _fast(path) == _reference(path) == ""


def test_bad_utf8_in_a_record_without_hits(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes(b"note_id,text\na1,caf\xe9 au lait\n")
    with pytest.raises(InputError, match="not UTF-8"):
        _fast(path)


@pytest.mark.parametrize("quoting", [csv.QUOTE_MINIMAL, csv.QUOTE_ALL])
@pytest.mark.parametrize("column", [0, 1, 2])
def test_every_record_with_a_rejected_age_is_a_candidate(column: int, quoting: int) -> None:
    rng = random.Random(column * 10 + quoting)
    alphabet = ["1", "7", ".", " ", "\t", "\x1f", "a", "-", "e", "\u00a0", "\u0663", "", '"']
    alphabet += [",", "\n"] if quoting == csv.QUOTE_ALL else []
    records, cells = [], []
    for _ in range(4000):
        cell = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
        fields = ["x,y" if quoting == csv.QUOTE_ALL else "x"] * column + [cell, "z"]
        fields = fields[: rng.choice([len(fields), column + 1, column])]
        out = io.StringIO()
        csv.writer(out, quoting=quoting).writerow(fields)
        records.append(out.getvalue())
        cells.append(fields[column] if column < len(fields) else "")
    body = "".join(records).encode("utf-8")
    assert csvblocks.plain(body)
    found = set(csvblocks.candidates(body, column))
    start = 0
    for record, cell in zip(records, cells, strict=True):
        end = start + len(record.encode("utf-8"))
        if AGE.search(cell.replace("\n", " ")):
            assert (start, end) in found, repr(record)
        start = end
    assert len(found) < len(records)


def test_quote_safety_is_checked_on_the_patterns() -> None:
    assert csvblocks.quote_safe()
    parse = getattr(re, "_parser").parse  # noqa: B009
    for pattern in (r"a.b", r"[^a]", r"\W", r"[!-#]", '"', r"x|y\S", r"(?:\D)+"):
        assert csvblocks._may_match_quote(parse(pattern, re.I | re.A)), pattern
    assert not csvblocks._may_match_quote(parse(r"\bfoo[\s\-]+(?:bar|baz\d)\b", re.I | re.A))
