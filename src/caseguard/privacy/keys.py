"""The pseudonym key: where it may come from, and the checks before it is trusted.

The key comes from, in order: ``--key-file PATH``; ``$CASEGUARD_PSEUDONYM_KEY``; else
``pseudonym.key`` in the folder *above* the output folder (so the key does not travel
with the report). That default is used only in a folder that nobody else can write
to: owned by you, not writable by others, and writable by its group only when the
group is your own private group. Anywhere else (``/tmp``, a shared folder) a key
could have been planted by someone else, so caseguard stops and asks for
``--key-file`` or the variable instead.

A key file, given or found, must be a regular file owned by you that neither group
nor others can write, and at most 4 KiB. A new key is created with ``O_CREAT |
O_EXCL`` and mode 0600, so it is never readable by others, not even for a moment,
and an existing file is never overwritten.
"""

from __future__ import annotations

import grp
import os
import pwd
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

from caseguard.errors import UsageError

KEY_ENV = "CASEGUARD_PSEUDONYM_KEY"
KEY_FILE_NAME = "pseudonym.key"
MAX_KEY_BYTES = 4096
_ASK = f"give --key-file PATH, or set ${KEY_ENV}"


@dataclass(frozen=True, slots=True)
class KeySource:
    """The key, and where it came from (shown to the user, never the key itself)."""

    key: bytes
    origin: str
    generated: Path | None = None


def default_key_path(out_dir: Path) -> Path:
    """Where the key is kept when none is given: beside the output folder."""
    return out_dir.resolve().parent / KEY_FILE_NAME


def load_key(key_file: str | Path | None, out_dir: Path) -> KeySource:
    """The pseudonym key: ``key_file``, else ``$CASEGUARD_PSEUDONYM_KEY``, else the default.

    The default file is reused, or made, only in a folder nobody else can write to.
    Raises ``UsageError`` naming the file or folder for every problem.
    """
    if key_file is not None:
        path = Path(key_file)
        return KeySource(read_key(path), f"key file {path}")
    env = os.environ.get(KEY_ENV, "").strip()
    if env:
        return KeySource(env.encode("utf-8"), f"${KEY_ENV}")
    path = default_key_path(out_dir)
    check_folder(path.parent)
    if os.path.lexists(path):
        return KeySource(read_key(path), str(path))
    return _create(path)


def check_folder(folder: Path) -> None:
    """Make the key's folder if needed; refuse one that others could write to."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        info = folder.stat()
    except OSError as exc:
        raise UsageError(
            f"cannot use the folder for the pseudonym key ({exc.strerror})", path=str(folder)
        ) from None
    if info.st_uid != os.geteuid():
        raise UsageError(
            "the folder for the pseudonym key belongs to someone else, so a key there "
            "could have been planted",
            path=str(folder),
            hint=_ASK,
        )
    if info.st_mode & stat.S_IWOTH or (info.st_mode & stat.S_IWGRP and not _own_group(info)):
        raise UsageError(
            "others can write to the folder for the pseudonym key, so a key there "
            "could have been planted",
            path=str(folder),
            hint=_ASK,
        )


def _own_group(info: os.stat_result) -> bool:
    """Whether a file's group is the user's private group (named after them, no members)."""
    try:
        group = grp.getgrgid(info.st_gid)
        user = pwd.getpwuid(os.geteuid())
    except KeyError:
        return False
    return group.gr_gid == user.pw_gid and group.gr_name == user.pw_name and not group.gr_mem


def read_key(path: Path) -> bytes:
    """A key file's key, after checking who owns it and who can write to it."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise UsageError(f"cannot read the key file ({exc.strerror})", path=str(path)) from None
    try:
        _check_file(os.fstat(fd), path)
        data = os.read(fd, MAX_KEY_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read the key file ({exc.strerror})", path=str(path)) from None
    finally:
        os.close(fd)
    if len(data) > MAX_KEY_BYTES:
        raise UsageError(f"the key file is over {MAX_KEY_BYTES} bytes: not a key", path=str(path))
    try:
        text = data.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise UsageError("the key file is not UTF-8 text", path=str(path)) from None
    if not text:
        raise UsageError("the key file is empty", path=str(path))
    return text.encode("utf-8")


def _check_file(info: os.stat_result, path: Path) -> None:
    if not stat.S_ISREG(info.st_mode):
        raise UsageError("the key file is not a regular file", path=str(path))
    if info.st_uid != os.geteuid():
        raise UsageError(
            "the key file belongs to someone else: it could have been planted",
            path=str(path),
            hint="use a key file you own, or set $" + KEY_ENV,
        )
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        raise UsageError(
            "others can write to the key file: it could have been replaced",
            path=str(path),
            hint=f"chmod 600 {path}",
        )


def _create(path: Path) -> KeySource:
    """A new key in a new file, mode 0600 from the start; an existing file is read instead."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    except FileExistsError:  # another run made it a moment ago
        return KeySource(read_key(path), str(path))
    except OSError as exc:
        raise UsageError(f"cannot write the key file ({exc.strerror})", path=str(path)) from None
    key = secrets.token_urlsafe(32)
    try:
        os.write(fd, (key + "\n").encode("ascii"))
        os.fsync(fd)
    except OSError as exc:
        os.close(fd)
        path.unlink(missing_ok=True)
        raise UsageError(f"cannot write the key file ({exc.strerror})", path=str(path)) from None
    os.close(fd)
    return KeySource(key.encode("ascii"), str(path), generated=path)
