"""Stable pseudonyms for children and adults (names in text: ``caseguard.privacy.names``).

A pseudonym is ``Child-`` or ``Adult-`` followed by six characters of an
HMAC-SHA256 of the record's id, keyed by a secret the user holds. The same key
gives the same pseudonym in every report, so an inspector can follow a child
across reports; without the key nobody can turn a pseudonym back into an id.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac

# Crockford-like alphabet without easily confused letters (no 0/O, 1/I/L, U).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 6
_PAGE_LENGTH = 8


def _code(key: bytes, kind: str, ident: str, length: int = _LENGTH) -> str:
    digest = hmac.digest(key, f"{kind}:{ident}".encode(), "sha256")  # one call, in C
    number = int.from_bytes(digest[:8], "big")
    chars = []
    for _ in range(length):
        number, rest = divmod(number, len(_ALPHABET))
        chars.append(_ALPHABET[rest])
    return "".join(chars)


class Pseudonymiser:
    """Turns child and person ids into pseudonyms, or shows them as they are."""

    def __init__(self, key: bytes, *, identify: bool = False) -> None:
        self._key = key
        self.identify = identify
        self._children: dict[str, str] = {}  # each child's pseudonym, made once

    def __getstate__(self) -> dict[str, object]:
        return {"_key": self._key, "identify": self.identify, "_children": {}}

    @property
    def key(self) -> bytes:
        """The key (to hand to worker processes that write pages; never shown)."""
        return self._key

    def child(self, child_id: str) -> str:
        if self.identify:
            return child_id
        label = self._children.get(child_id)
        if label is None:
            label = self._children[child_id] = f"Child-{_code(self._key, 'child', child_id)}"
        return label

    def adult(self, person_id: str) -> str:
        return person_id if self.identify else f"Adult-{_code(self._key, 'person', person_id)}"

    def file_stem(self, child_id: str) -> str:
        """A safe, unique file name for a child's chronology, never the child's id.

        The pseudonym's code and 8 more characters of a second keyed code: six
        characters alone would give two of 30,000 children the same file about
        half the time.
        """
        page = _code(self._key, "child-page", child_id, _PAGE_LENGTH)
        return f"Child-{_code(self._key, 'child', child_id)}-{page}"


def age_on(born: dt.date | None, when: dt.datetime | dt.date) -> int | None:
    """Whole years of age on a day, or None when the date of birth is not known."""
    if born is None:
        return None
    day = when.date() if isinstance(when, dt.datetime) else when
    years = day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    return max(0, years)


def age_band(age: int | None) -> str:
    """Age bands shown instead of dates of birth."""
    if age is None:
        return "age not known"
    if age < 10:
        return "under 10"
    if age < 13:
        return "10–12"
    if age < 16:
        return "13–15"
    if age < 18:
        return "16–17"
    return "18 or over"


def key_fingerprint(key: bytes) -> str:
    """A short fingerprint to tell keys apart on a report without showing the key."""
    return base64.b32encode(hashlib.sha256(key).digest()[:5]).decode().rstrip("=")
