"""Examples in docs/ made by running the commands they show (``make docs``).

A block in a page between ``<!-- example: NAME -->`` and ``<!-- /example -->`` is
rewritten with each command of ``EXAMPLES[NAME]`` and what it printed, run for real in
one scratch folder (a fixed pseudonym key, fixed seeds), so the example is what a user
gets. A test runs them again and fails when a page has drifted.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

START = re.compile(r"<!-- example: ([\w-]+) -->\n.*?<!-- /example -->", re.DOTALL)
KEY = "docs-example-key-not-secret"


@dataclass(frozen=True, slots=True)
class Step:
    command: str  # as shown, starting with "caseguard"
    show: int | None = 0  # lines of output shown (None: all; 0: none)


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
    "compare": (
        Step("caseguard synth --cases 200 --seed 6 --out bundle-2025"),
        Step("caseguard audit bundle-2025 --out audit-2025 --report none"),
        Step("caseguard compare audit audit-2025 --format json --out change.json", None),
    ),
}


def _run(step: Step, folder: Path) -> list[str]:
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
    lines = (done.stdout + done.stderr).rstrip("\n").splitlines()
    if step.show == 0:
        return [f"$ {step.command}"]
    shown = lines if step.show is None else lines[: step.show]
    more = ["..."] if step.show is not None and len(lines) > step.show else []
    return [f"$ {step.command}", *shown, *more]


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


PAGES = ("report.md",)
