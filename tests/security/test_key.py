"""The pseudonym key: never taken from where someone else could have put it.

Each attack is a row: how the key (or its folder) was prepared, the command line,
the exit code and the message. Every refusal must come before the audit starts
(nothing is written to the output folder) and without a hang (FIFOs, devices).
Commands run as a user runs them, from the folder they work in.
"""

from __future__ import annotations

import os
import re
import signal
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from caseguard.cli import main
from tests.bundle.minimal import write

NOBODY = 65534


def run(cwd: Path, *args: str, umask: int | None = None) -> tuple[int, str]:
    """The command as a user runs it in ``cwd``; a hang (FIFO, device) fails after 60 s."""
    previous = os.umask(umask) if umask is not None else None
    here = Path.cwd()
    signal.signal(signal.SIGALRM, _too_slow)
    signal.alarm(60)
    try:
        os.chdir(cwd)
        result = CliRunner().invoke(
            main, list(args), env={"CASEGUARD_PSEUDONYM_KEY": None, "COLUMNS": "200"}
        )
    finally:
        signal.alarm(0)
        os.chdir(here)
        if previous is not None:
            os.umask(previous)
    return result.exit_code, result.output


def _too_slow(signum: int, frame: object) -> None:
    raise TimeoutError("the command hung")


def _key(path: Path, mode: int = 0o600, text: str | bytes = "a key\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    path.chmod(mode)
    return path


def foreign(path: Path) -> Path:
    """A key file that belongs to someone else (as root: chown to nobody)."""
    if os.geteuid() != 0:
        return Path("/etc/passwd")  # root's, and readable by everyone
    _key(path, 0o644)
    os.chown(path, NOBODY, NOBODY)
    return path


def planted_in_shared(w: Path) -> list[str]:
    shared = w / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp: anyone may add a file
    _key(shared / "pseudonym.key")
    return ["--out", "shared/audit"]


def planted_group_folder(w: Path) -> list[str]:
    team = w / "team"
    team.mkdir()
    team.chmod(0o770)
    os.chown(team, os.geteuid(), NOBODY)  # a group that is not the user's own
    return ["--out", "team/audit"]


def foreign_in_own_folder(w: Path) -> list[str]:
    mine = w / "mine"
    mine.mkdir(mode=0o700)
    return ["--out", "mine/audit", "--key-file", str(foreign(mine / "pseudonym.key"))]


def default_writable(w: Path) -> list[str]:
    _key(w / "mine" / "pseudonym.key", 0o666)
    return ["--out", "mine/audit"]


def given(mode: int = 0o600, text: str | bytes = "a key\n") -> Callable[[Path], list[str]]:
    def prepare(w: Path) -> list[str]:
        return ["--out", "o/audit", "--key-file", str(_key(w / "k", mode, text))]

    return prepare


def fifo(w: Path) -> list[str]:
    os.mkfifo(w / "k")
    return ["--out", "o/audit", "--key-file", "k"]


def special(path: str) -> Callable[[Path], list[str]]:
    return lambda w: ["--out", "o/audit", "--key-file", path]


def folder_as_key(w: Path) -> list[str]:
    (w / "k").mkdir()
    return ["--out", "o/audit", "--key-file", "k"]


# (attack, prepare the folder → extra arguments, exit code, message)
REFUSED = [
    ("planted-in-shared-folder", planted_in_shared, 2, "others can write to the folder"),
    ("group-folder-not-own-group", planted_group_folder, 2, "others can write to the folder"),
    ("given-key-not-owned", foreign_in_own_folder, 2, "the key file belongs to someone else"),
    ("default-key-world-writable", default_writable, 2, "others can write to the key file"),
    ("given-key-group-writable", given(0o620), 2, "others can write to the key file"),
    ("given-key-world-writable", given(0o606), 2, "others can write to the key file"),
    ("given-key-fifo", fifo, 2, "the key file is not a regular file"),
    ("given-key-dev-zero", special("/dev/zero"), 2, "the key file is not a regular file"),
    ("given-key-directory", folder_as_key, 2, "the key file is not a regular file"),
    ("given-key-missing", special("missing.key"), 2, "cannot read the key file"),
    ("given-key-empty", given(text="\n"), 2, "the key file is empty"),
    ("given-key-huge", given(text="k" * 5000), 2, "over 4096 bytes"),
    ("given-key-not-utf8", given(text=b"\xff\xfe"), 2, "not UTF-8 text"),
]
DEFAULT_ONLY = {
    "planted-in-shared-folder",
    "group-folder-not-own-group",
    "default-key-world-writable",
}


def _prepared(tmp_path: Path, prepare: Callable[[Path], list[str]]) -> tuple[Path, list[str], Path]:
    w = tmp_path / "w"
    w.mkdir(mode=0o700)
    write(w / "bundle")
    extra = prepare(w)
    return w, extra, Path(extra[extra.index("--out") + 1])


def _refused(w: Path, out: Path, args: list[str], code: int, message: str) -> None:
    got, printed = run(w, *args)
    assert got == code, printed
    assert message in printed, printed
    assert "Traceback" not in printed
    assert not (w / out).exists()  # refused before the audit or report wrote anything


@pytest.mark.parametrize(
    ("prepare", "code", "message"), [pytest.param(*r[1:], id=r[0]) for r in REFUSED]
)
def test_audit_refuses_key(
    tmp_path: Path, prepare: Callable[[Path], list[str]], code: int, message: str
) -> None:
    w, extra, out = _prepared(tmp_path, prepare)
    _refused(w, out, ["audit", "bundle", "--report", "html", *extra], code, message)


@pytest.mark.parametrize(
    ("prepare", "code", "message"), [pytest.param(*r[1:], id=r[0]) for r in REFUSED]
)
def test_report_refuses_key(
    tmp_path: Path, prepare: Callable[[Path], list[str]], code: int, message: str
) -> None:
    w, extra, out = _prepared(tmp_path, prepare)
    done = w / "audit-done"
    done.mkdir()
    (done / "cases.csv").write_text("case_id,grade\nK1,good\n")
    (done / "findings.jsonl").write_text("")
    args = ["report", "audit-done", "--data", "bundle", "--format", "html", *extra]
    _refused(w, out, args, code, message)


@pytest.mark.parametrize(
    ("prepare", "code", "message"),
    [pytest.param(*r[1:], id=r[0]) for r in REFUSED if r[0] in DEFAULT_ONLY],
)
def test_demo_refuses_key_before_it_starts(
    tmp_path: Path, prepare: Callable[[Path], list[str]], code: int, message: str
) -> None:
    w, _, out = _prepared(tmp_path, prepare)
    _refused(w, out, ["demo", "--out", str(out.parent), "--cases", "5"], code, message)
    assert not (w / out.parent / "bundle").exists()


def _fingerprint(report: Path) -> str:
    found = re.search(r"key fingerprint ([A-Z2-7]+)", report.read_text())
    assert found
    return found.group(1)


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_new_key_is_private_from_the_start_and_reused(tmp_path: Path, umask: int) -> None:
    w = tmp_path / "w"
    w.mkdir(mode=0o700)
    write(w / "bundle")
    (w / "mine").mkdir(mode=0o700)
    os.chmod(w / "mine", 0o700)  # whatever the umask
    code, printed = run(w, "audit", "bundle", "--out", "mine/a1", "--report", "html", umask=umask)
    assert code == 0, printed
    assert "Pseudonym key (keep it safe, reuse it next time): mine/pseudonym.key" in printed
    key = w / "mine" / "pseudonym.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and key.stat().st_uid == os.geteuid()
    code, printed = run(w, "audit", "bundle", "--out", "mine/a2", "--report", "html")
    assert code == 0, printed
    assert f"Pseudonym key: {key}" in printed  # said, not silent
    assert _fingerprint(w / "mine/a1/report.html") == _fingerprint(w / "mine/a2/report.html")


def test_team_folder_of_own_private_group_is_accepted(tmp_path: Path) -> None:
    """A folder writable by the user's private group (umask 002 systems) is still theirs."""
    import grp
    import pwd

    user = pwd.getpwuid(os.geteuid())
    group = grp.getgrgid(user.pw_gid)
    w = tmp_path / "w"
    w.mkdir(mode=0o700)
    write(w / "bundle")
    (w / "mine").mkdir()
    (w / "mine").chmod(0o775)
    code, printed = run(w, "audit", "bundle", "--out", "mine/a", "--report", "html")
    private = group.gr_name == user.pw_name and not group.gr_mem
    assert code == (0 if private else 2), printed
