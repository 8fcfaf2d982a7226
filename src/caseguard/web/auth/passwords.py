"""Password hashing with argon2id (argon2-cffi's defaults, RFC 9106 low-memory profile)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from caseguard.errors import UsageError

MIN_LENGTH = 12
_HASHER = PasswordHasher()
# A hash to verify against when the user does not exist, so a wrong name takes as long.
_DUMMY = _HASHER.hash("not-a-real-password-for-timing")


def check_strength(password: str) -> None:
    if len(password) < MIN_LENGTH:
        raise UsageError(f"a password needs at least {MIN_LENGTH} characters")


def hash_password(password: str) -> str:
    check_strength(password)
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    try:
        return _HASHER.verify(stored or _DUMMY, password) and stored is not None
    except (VerificationError, InvalidHashError):
        return False
