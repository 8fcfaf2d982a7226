"""Stable pseudonyms for children and adults (names in text: ``caseguard.privacy.names``).

A pseudonym is ``Child-`` or ``Adult-`` followed by six characters of an
HMAC-SHA256 of the record's id, keyed by a secret the user holds. The same key
gives the same pseudonym in every report, so an inspector can follow a child
across reports; without the key nobody can turn a pseudonym back into an id.

Six characters are 30**6 (about 729 million) codes: among 200,000 children about 27
pairs would share one. ``unique_lengths`` finds every id whose six characters another
id of the same kind shares, and gives each of them a longer code (eight characters,
then ten ...; the longer code starts with the six), so that no two ids an output names
share a pseudonym. Every other id keeps its six characters.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Mapping

# Crockford-like alphabet without easily confused letters (no 0/O, 1/I/L, U).
_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"
_LENGTH = 6
_PAGE_LENGTH = 8


_PER_BLOCK = 13  # characters drawn from each 8 bytes of the digest (30**13 < 2**64)
_MAX_LENGTH = 4 * _PER_BLOCK  # the whole digest

Longer = Mapping[tuple[str, str], int]  # (kind, id) -> code length, for ids that collide


def _code(key: bytes, kind: str, ident: str, length: int = _LENGTH) -> str:
    digest = hmac.digest(key, f"{kind}:{ident}".encode(), "sha256")  # one call, in C
    chars = []
    for block in range(0, min(length, _MAX_LENGTH), _PER_BLOCK):
        number = int.from_bytes(digest[block // _PER_BLOCK * 8 :][:8], "big")
        for _ in range(min(_PER_BLOCK, length - block)):
            number, rest = divmod(number, len(_ALPHABET))
            chars.append(_ALPHABET[rest])
    return "".join(chars)


def unique_lengths(key: bytes, kind: str, ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """For ids whose six-character code another id shares: the length that tells them
    apart (``kind``: ``child`` or ``person``). Ids not in the result keep six."""
    groups: defaultdict[str, list[str]] = defaultdict(list)
    for ident in set(ids):
        groups[_code(key, kind, ident)].append(ident)
    longer: dict[tuple[str, str], int] = {}
    for members in groups.values():
        if len(members) > 1:
            length = _LENGTH + 2
            while len({_code(key, kind, m, length) for m in members}) < len(members):
                if length >= _MAX_LENGTH:
                    raise AssertionError("two ids with the same HMAC-SHA256")
                length += 2
            longer.update({(kind, m): length for m in members})
    return longer


class Pseudonymiser:
    """Turns child and person ids into pseudonyms, or shows them as they are."""

    def __init__(self, key: bytes, *, identify: bool = False, longer: Longer | None = None) -> None:
        self._key = key
        self.identify = identify
        self.longer: Longer = longer or {}
        self._children: dict[str, str] = {}  # each child's pseudonym, made once

    def __getstate__(self) -> dict[str, object]:
        return {
            "_key": self._key,
            "identify": self.identify,
            "longer": self.longer,
            "_children": {},
        }

    @classmethod
    def for_ids(
        cls,
        key: bytes,
        children: Iterable[str] = (),
        persons: Iterable[str] = (),
        *,
        identify: bool = False,
    ) -> Pseudonymiser:
        """A pseudonymiser under which no two of these children (or persons) share a
        pseudonym: the ids that would are given longer codes (``unique_lengths``)."""
        longer = unique_lengths(key, "child", children) | unique_lengths(key, "person", persons)
        return cls(key, identify=identify, longer=longer)

    @property
    def key(self) -> bytes:
        """The key (to hand to worker processes that write pages; never shown)."""
        return self._key

    def child(self, child_id: str) -> str:
        if self.identify:
            return child_id
        label = self._children.get(child_id)
        if label is None:
            label = self._children[child_id] = f"Child-{self._child_code(child_id)}"
        return label

    def adult(self, person_id: str) -> str:
        if self.identify:
            return person_id
        length = self.longer.get(("person", person_id), _LENGTH)
        return f"Adult-{_code(self._key, 'person', person_id, length)}"

    def _child_code(self, child_id: str) -> str:
        return _code(self._key, "child", child_id, self.longer.get(("child", child_id), _LENGTH))

    def file_stem(self, child_id: str) -> str:
        """A safe, unique file name for a child's chronology, never the child's id.

        The pseudonym's code and 8 more characters of a second keyed code: six
        characters alone would give two of 30,000 children the same file about
        half the time.
        """
        page = _code(self._key, "child-page", child_id, _PAGE_LENGTH)
        return f"Child-{self._child_code(child_id)}-{page}"


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
