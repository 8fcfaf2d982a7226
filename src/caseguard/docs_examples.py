"""Examples in docs/ made by running the commands they show (``make docs``).

A block in a page between ``<!-- example: NAME -->`` and ``<!-- /example -->`` is
rewritten with each command of ``EXAMPLES[NAME]`` and what it printed, run for real in
one scratch folder (a fixed pseudonym key, fixed seeds), so the example is what a user
gets. A test runs them again and fails when a page has drifted.

A step that is not a caseguard command (breaking a file to show an error) is done by a
small Python function, ``prepare``, and shown as the shell line that does the same.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

START = re.compile(r"<!-- example: ([\w-]+) -->\n.*?<!-- /example -->", re.DOTALL)
KEY = "docs-example-key-not-secret"


@dataclass(frozen=True, slots=True)
class Step:
    command: str  # as shown, starting with "caseguard" (or a shell line, with ``prepare``)
    show: int | None = 0  # lines of output shown (None: all; 0: none)
    prepare: Callable[[Path], None] | None = None  # does what a shell line shows
    status: bool = False  # also show ``echo $?`` and the exit code
    keep: Callable[[str], str] | None = None  # the part of the output shown


def _break_timestamp(folder: Path) -> None:
    """``cp -r bundle broken``, then row 5 of missing_episodes.csv given a two-digit year."""
    shutil.copytree(folder / "bundle", folder / "broken")
    path = folder / "broken" / "missing_episodes.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    cells = lines[4].split(",")
    cells[2] = cells[2][2:]  # 2024-09-28T03:01 -> 24-09-28T03:01
    lines[4] = ",".join(cells)
    path.write_text("\n".join(lines), encoding="utf-8")


def _truncated_zip(folder: Path) -> None:
    """The bundle zipped, and the zip cut to its first 20,000 bytes."""
    whole = folder / "whole.zip"
    with zipfile.ZipFile(whole, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted((folder / "bundle").iterdir()):
            archive.write(path, f"bundle/{path.name}")
    (folder / "bundle.zip").write_bytes(whole.read_bytes()[:20_000])


def _latin1(folder: Path) -> None:
    """``cp -r bundle latin1``, then one note saved in Latin-1 (an ``é`` as one byte)."""
    shutil.copytree(folder / "bundle", folder / "latin1")
    path = folder / "latin1" / "notes.csv"
    data = path.read_bytes()
    at = data.index(b"e", len(data) // 2)
    path.write_bytes(data[:at] + "é".encode("latin-1") + data[at + 1 :])


def _json_shape(text: str) -> str:
    """The JSON report with the rejecting table and its errors; the other tables elided."""
    doc = json.loads(text)
    tables = {k: v for k, v in doc["tables"].items() if v["rejected"]}
    doc["tables"] = {**tables, "...": {}}
    return json.dumps(doc, ensure_ascii=False, indent=1)


EXAMPLES: dict[str, tuple[Step, ...]] = {
    "report": (
        Step("caseguard synth --cases 200 --seed 5 --out bundle"),
        Step("caseguard audit bundle --out audit --report none"),
        Step("caseguard report audit --out report", None),
    ),
    "export": (
        Step(
            "caseguard export findings audit --format xlsx "
            '--team "Safeguarding Hub Otterholt" --status fail --out hub.xlsx',
            None,
        ),
    ),
    "sample": (
        Step("caseguard sample-size --margin 0.05 --population 1000", None),
        Step("caseguard sample bundle --size 20 --stratify category --seed 3", 4),
        Step("caseguard sample audit --size 3 --stratify team,grade", None),
    ),
    "validate": (
        Step("caseguard synth --cases 200 --seed 7 --out bundle"),
        Step(
            "cp -r bundle broken   # then break one timestamp in missing_episodes.csv",
            prepare=_break_timestamp,
        ),
        Step("caseguard validate broken", None, status=True),
    ),
    "validate-json": (Step("caseguard validate broken --format json", None, keep=_json_shape),),
    "unreadable": (
        Step(
            "zip -qr whole.zip bundle && head -c 20000 whole.zip > bundle.zip   # cut short",
            prepare=_truncated_zip,
        ),
        Step("caseguard validate bundle.zip", None),
        Step("cp -r bundle latin1   # then save notes.csv as Latin-1", prepare=_latin1),
        Step("caseguard validate latin1", None),
    ),
    "compare": (
        Step("caseguard synth --cases 200 --seed 6 --out bundle-2025"),
        Step("caseguard audit bundle-2025 --out audit-2025 --report none"),
        Step("caseguard compare audit audit-2025 --format json --out change.json", None),
    ),
}


def _run(step: Step, folder: Path) -> list[str]:
    if step.prepare is not None:
        step.prepare(folder)
        return [f"$ {step.command}"]
    env = {**os.environ, "CASEGUARD_PSEUDONYM_KEY": KEY, "COLUMNS": "100", "NO_COLOR": "1"}
    args = shlex.split(step.command)[1:]
    done = subprocess.run(
        [sys.executable, "-m", "caseguard", *args],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    text = done.stdout + done.stderr
    if step.keep is not None:
        text = step.keep(text)
    lines = [line.rstrip() for line in text.strip("\n").splitlines()]
    status = ["$ echo $?", str(done.returncode)] if step.status else []
    if step.show == 0:
        return [f"$ {step.command}", *status]
    shown = lines if step.show is None else lines[: step.show]
    more = ["..."] if step.show is not None and len(lines) > step.show else []
    return [f"$ {step.command}", *shown, *more, *status]


def render(page: str, folder: Path) -> str:
    """``page`` with every example block made afresh (commands run in ``folder``)."""

    def block(match: re.Match[str]) -> str:
        name = match.group(1)
        lines = [line for step in EXAMPLES[name] for line in _run(step, folder)]
        body = "\n".join(lines)
        return f"<!-- example: {name} -->\n```console\n{body}\n```\n<!-- /example -->"

    return START.sub(block, page)


def render_file(path: Path) -> str:
    with tempfile.TemporaryDirectory(prefix="caseguard-docs-") as tmp:
        return render(path.read_text(encoding="utf-8"), Path(tmp))


PAGES = ("report.md", "bundles.md")
