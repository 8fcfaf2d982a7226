"""No child's name leaves caseguard by default: the scrubbing function, then every output.

The first table is every name form the scrubber must catch (and the words it must
leave alone). The second test runs the real command line on a bundle with names
planted in every free-text field and searches every file and console line it wrote
for every name part in the bundle.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from pypdf import PdfReader

from caseguard.privacy.names import SHARED, NameIndex, own_names, scrub

ZOE = ("Child-AAAAAA", "Zoë Ashcombe")
MARY = ("Child-BBBBBB", "Mary-Jane O’Neill")
DREW = ("Child-CCCCCC", "Drew Zennor-Hale")
BRAM = ("Child-DDDDDD", "Bram Ashcombe")  # shares a surname with Zoë
A, B, C = ZOE[0], MARY[0], DREW[0]
THREE = (ZOE, MARY, DREW)

# (text, the bundle's people, the text's own child or None, what scrub must give)
FORMS = [
    ("ZOË said zoë, then ZoË", THREE, None, f"{A} said {A}, then {A}"),
    ("Zoë's mum", THREE, None, f"{A}'s mum"),
    ("Zoë’s mum and ASHCOMBE’S car", THREE, None, f"{A}’s mum and {A}’S car"),
    ("saw Zoë today", THREE, None, f"saw {A} today"),
    ("Mrs Ashcombe called", THREE, None, f"Mrs {A} called"),
    ("Mary said; Jane said; Mary-Jane said", THREE, None, f"{B} said; {B} said; {B} said"),
    ("Zennor came, then Hale, then Zennor-Hale", THREE, None, f"{C} came, then {C}, then {C}"),
    ("with Zoë Ashcombe at home", THREE, None, f"with {A} at home"),
    ("zoe-ashcombe posted", THREE, None, f"{A} posted"),
    ("@zoe_ashcombe on snap", THREE, None, f"@{A} on snap"),
    ("mail zoe.ashcombe@example.org", THREE, None, f"mail {A}@example.org"),
    ("zoeashcombe and ashcombezoe", THREE, None, f"{A} and {A}"),
    ("zoe2012 and zoeashcombe09", THREE, None, f"{A}2012 and {A}09"),
    ("maryjaneoneill is her handle", THREE, None, f"{B} is her handle"),
    ("O’Neill, O'Neill, ONeill, oneill, Neill", THREE, None, f"{B}, {B}, {B}, {B}, {B}"),
    ("O’Neill's phone", THREE, None, f"{B}'s phone"),
    ("Ｚｏｅ　Ａｓｈｃｏｍｂｅ", THREE, None, A),  # fullwidth: NFKC
    ("Zoe\u0308 and Zoe", THREE, None, f"{A} and {A}"),  # combining diaeresis, no accent
    ("Zo\u200be Ash\u200dcombe left", THREE, None, f"{A} left"),  # zero-width inside
    ("ZOE\u0301", THREE, None, A),  # another combining mark
    ("Drew met Zoë and Mary", THREE, DREW, f"{C} met {A} and {B}"),  # siblings named
    ("Mrs Ashcombe rang", (ZOE, BRAM), None, f"Mrs {SHARED} rang"),  # shared surname
    ("Mrs Ashcombe rang", (ZOE, BRAM), ZOE, f"Mrs {A} rang"),  # the case's own child
    ("Bram Ashcombe", (ZOE, BRAM), ZOE, f"{BRAM[0]} {A}"),  # a shared part: own child's
    ("she drew a map; Drew's phone; DREW", THREE, None, f"she drew a map; {C}'s phone; {C}"),
    ("Zoey, Ashcomber, Maryland, summary, Neillson stay", THREE, None, None),
    ("Z. Ashcombe", THREE, None, f"Z. {A}"),  # an initial is not a name part
    (f"{A} and [name] are labels", THREE, None, None),
    ("no names here at all", (), None, None),
]


def test_strict_scrubs_lower_case_ordinary_words() -> None:
    names = NameIndex.build(THREE)
    quoted = "'went with drew and mary voluntarily'"
    assert scrub(quoted, names) == f"'went with drew and {B} voluntarily'"
    assert scrub(quoted, names, strict=True) == f"'went with {C} and {B} voluntarily'"


@pytest.mark.parametrize(("text", "people", "own", "expected"), FORMS)
def test_name_forms(
    text: str,
    people: tuple[tuple[str, str], ...],
    own: tuple[str, str] | None,
    expected: str | None,
) -> None:
    names = NameIndex.build(people)
    mine = own_names(own[1], own[0]) if own else None
    got = scrub(text, names, mine)
    assert got == (text if expected is None else expected)
    assert scrub(got, names, mine) == got  # scrubbing twice changes nothing


def test_shared_part_with_no_own_child_names_nobody() -> None:
    names = NameIndex.build([ZOE, BRAM])
    assert names.labels["ashcombe"] == SHARED
    assert names.labels["bram"] == BRAM[0]


# --- every output of a real audit and report -------------------------------------------

CHILDREN = (
    "child_id,date_of_birth,sex,looked_after,display_name\n"
    "C1,2010-05-01,female,no,Zoë Ashcombe\n"
    "C2,2009-01-01,female,yes,Mary-Jane O’Neill\n"
    "C3,2011-03-03,male,no,Drew Zennor-Hale\n"
)
BUNDLE = {
    "children.csv": CHILDREN,
    "persons.csv": (
        "person_id,date_of_birth,sex,description\n"
        "P1,1990-02-03,male,Uncle of Zoë Ashcombe; drives Mary-Jane to school\n"
    ),
    "staff.csv": "staff_id,role,team\nS1,officer,T\nS2,supervisor,T\n",
    "cases.csv": (
        "case_id,child_id,category,offence,reported_at,reporter,status,closed_at,outcome,team,area\n"
        "K1,C1,cse,Zoe Ashcombe groomed online by @zoe_ashcombe2010,2024-03-01T10:00,"
        "parent,open,,,T,A\n"
        "K2,C2,cce,Drugs supply involving O'Neill,2024-03-05,school,closed,"
        "2024-05-01T09:00,ONeill family would not support,T,A\n"
        "K3,C3,cse,Meeting DREW ZENNOR-HALE after grooming,2024-03-07,parent,open,,,T,A\n"
    ),
    "case_persons.csv": "case_id,person_id,role,identified_at\nK1,P1,suspect,2024-03-02T12:00\n",
    "notes.csv": (
        "note_id,case_id,author_id,written_at,kind,text\n"
        'N1,K1,S1,2024-03-01T11:00,report,"Zoë went with Drew and Mary voluntarily. '
        'Her friend Mary-Jane O’Neill was there; zoeashcombe2010 posted."\n'
        'N2,K2,S1,2024-03-05T11:00,report,"Mary-Jane said her sister Zoë Ashcombe knows."\n'
        'N3,K3,S1,2024-03-07T11:00,report,"DREW’s mum said Zo\u200be is his friend."\n'
    ),
    "actions.csv": (
        "action_id,case_id,kind,at,by,outcome,person_id,detail\n"
        "A1,K1,abe_interview,2024-03-02T10:00,S1,declined,,Zoë’s mother asked to wait; "
        "zoeashcombe says no\n"
        "A2,K1,child_seen,2024-03-02T09:00,S1,declined,,@mary_jane_oneill saw Zoe first\n"
        "A3,K2,child_seen,2024-03-06T10:00,S1,not_required,,O'Neill's carer says "
        "Drew Zennor-Hale is with her\n"
        "A4,K3,abe_interview,2024-03-08T10:00,S1,declined,,DREW said no; his friend Zoë agrees\n"
    ),
    "missing_episodes.csv": (
        "episode_id,child_id,reported_at,returned_at,risk_grade,found_location,"
        "found_with_person_id,case_id\n"
        "E1,C3,2024-02-01T20:00,2024-02-02T08:00,medium,at Mary-Jane O’Neill's flat,P1,K3\n"
    ),
}
PARTS = ("zoe", "ashcombe", "mary", "jane", "o'neill", "oneill", "neill", "drew", "zennor", "hale")
JOINED = ("zoeashcombe", "maryjane", "maryjaneoneill", "zennorhale")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u200b", "").replace("\u200d", "")
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.replace("’", "'").casefold()


def _leaks(text: str) -> set[str]:
    """Every name part or display name in ``text``, as a whole word (any case, any form)."""
    folded = _fold(text)
    found = {
        part
        for part in (*PARTS, *JOINED)
        if re.search(rf"(?<![^\W\d_]){re.escape(part)}(?![^\W\d_])", folded)
    }
    for _, name in (ZOE, MARY, DREW):
        if _fold(name) in folded:
            found.add(name)
    return found


def _caseguard(*args: str, cwd: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k != "CASEGUARD_PSEUDONYM_KEY"}
    env["COLUMNS"] = "200"
    done = subprocess.run(
        [sys.executable, "-m", "caseguard", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=600,
    )
    assert done.returncode in (0, 1), done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    return done.stdout + done.stderr


def _outputs(folder: Path) -> dict[str, str]:
    texts = {}
    for path in sorted(folder.rglob("*")):
        if path.suffix == ".pdf":
            texts[str(path)] = "\n".join(p.extract_text() for p in PdfReader(path).pages)
        elif path.is_file() and path.suffix in (".csv", ".jsonl", ".json", ".html", ".txt"):
            texts[str(path)] = path.read_text(encoding="utf-8")
    return texts


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("planted")
    bundle = root / "bundle"
    bundle.mkdir()
    (root / "out").mkdir()
    for name, text in BUNDLE.items():
        (bundle / name).write_text(text, encoding="utf-8")
    return root


def test_no_name_in_any_default_output(planted: Path) -> None:
    console = {
        "validate": _caseguard("validate", "bundle", cwd=planted),
        "audit": _caseguard("audit", "bundle", "--out", "audit", "--workers", "1", cwd=planted),
        "report": _caseguard("report", "audit", "--compare-with", "audit", cwd=planted),
        "sample": _caseguard("sample", "bundle", "--size", "3", cwd=planted),
        "sample-file": _caseguard(
            "sample", "bundle", "--size", "3", "--out", "out/sample.csv", cwd=planted
        ),
        "compare": _caseguard("compare", "audit", "audit", cwd=planted),
        "compare-json": _caseguard(
            "compare",
            "audit",
            "audit",
            "--format",
            "json",
            "--out",
            "out/compare.json",
            cwd=planted,
        ),
    }
    outputs = {**_outputs(planted / "audit"), **_outputs(planted / "out")}
    names = ("cases.csv", "findings.jsonl", "summary.json", "report.html", "report.pdf")
    assert all(str(planted / "audit" / n) in outputs for n in names)
    assert any("/cases/" in p for p in outputs) and any("/children/" in p for p in outputs)
    assert {"sample.csv", "compare.json"} <= {Path(p).name for p in outputs}
    leaks = {
        where: found for where, text in {**outputs, **console}.items() if (found := _leaks(text))
    }
    assert leaks == {}
    findings = outputs[str(planted / "audit" / "findings.jsonl")]
    # the planted text did reach the outputs, scrubbed: the test is not vacuous
    assert re.search(r"with rationale: Child-[2-9A-Z]{6}’s mother", findings)
    assert "Child-" in outputs[str(planted / "audit" / "report.html")]


def test_names_appear_with_identify(planted: Path) -> None:
    args = ("audit", "bundle", "--out", "ident", "--workers", "1", "--report", "html")
    console = _caseguard(*args, "--identify", cwd=planted)
    assert "IDENTIFIABLE" in console
    outputs = _outputs(planted / "ident")
    findings = outputs[str(planted / "ident" / "findings.jsonl")]
    assert "Zoë’s mother asked to wait" in findings
    pages = "".join(t for p, t in outputs.items() if "/cases/" in p)
    assert {"Zoë Ashcombe", "zoe", "drew", "mary", "neill"} <= _leaks(pages)
    # a default report of that identifiable audit takes the names out again
    console = _caseguard("report", "ident", "--out", "plain", "--format", "html", cwd=planted)
    report = _outputs(planted / "plain")
    assert report and {p: f for p, t in report.items() if (f := _leaks(t))} == {}
    assert _leaks(console) == set()


def test_every_chunk_and_worker_knows_every_childs_name(planted: Path, tmp_path: Path) -> None:
    """One child a chunk, in two worker processes: a sibling in another chunk is still caught."""
    from caseguard.audit import run_audit

    bundle = planted / "bundle"
    one = run_audit(bundle, tmp_path / "one", workers=1, chunk_children=1, key=b"k")
    two = run_audit(bundle, tmp_path / "two", workers=2, chunk_children=1, key=b"k")
    findings = two.findings_jsonl.read_text(encoding="utf-8")
    assert findings == one.findings_jsonl.read_text(encoding="utf-8")
    assert _leaks(findings) == set()
    assert "his friend Child-" in findings  # K3's child names C1 (another chunk)
    keyless = run_audit(bundle, tmp_path / "keyless", workers=1)
    assert "his friend [name] agrees" in keyless.findings_jsonl.read_text(encoding="utf-8")


def test_person_descriptions_reach_no_output(planted: Path) -> None:
    """Adults have no name column (bundle 1.1); a person's ``description`` (which may name
    the adult or a child) is shown by no output, not even with ``--identify``."""
    args = ("audit", "bundle", "--out", "described", "--workers", "1", "--identify")
    console = _caseguard(*args, cwd=planted)
    console += _caseguard("export", "findings", "described", "--out", "out/f.csv", cwd=planted)
    console += _caseguard("sample", "bundle", "--size", "3", "--stratify", "category", cwd=planted)
    outputs = {**_outputs(planted / "described"), "export": (planted / "out/f.csv").read_text()}
    assert any("/cases/" in p for p in outputs)  # the identifiable pages were written
    description = BUNDLE["persons.csv"].splitlines()[1].split(",", 3)[3]
    assert {p for p, t in {**outputs, "console": console}.items() if "drives" in t} == set()
    assert "drives Mary-Jane to school" in description
