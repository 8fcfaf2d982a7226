"""File names for case pages: safe on every file system, one file per case, readable.

A case id comes from a force's export, so it can hold anything: ``/``, ``..``, ``:``,
5,000 characters, letters of any script. A page is named after its id only when
the id is *plain* (ASCII letters, digits, ``-`` and ``_``, at most 64 characters,
not a name Windows reserves, and no other case id differs from it only in upper or
lower case). Any other id gets a readable slug and 16 hex digits of its SHA-256:
``a_b.5f1c….html`` for ``a/b``. Plain names never hold a ``.``, so the two kinds
never meet, and ``a/b``, ``a_b`` and ``a:b`` get three different pages. Links are
made by the same function, so they always match the files.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

PLAIN = re.compile(r"[A-Za-z0-9_-]{1,64}")
SLUG_CHARS = 40
HASH_CHARS = 16
# Names Windows will not give a file, whatever follows the dot.
RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)]
)


def slug(text: str) -> str:
    """A short ASCII form of ``text`` for reading, not for telling ids apart."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.sub(r"[^A-Za-z0-9-]+", "_", ascii_text).strip("_")
    return words[:SLUG_CHARS].rstrip("_") or "case"


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:HASH_CHARS]


class PageNames:
    """The page file name of each case id, given all the ids that get pages."""

    def __init__(self, case_ids: Iterable[str] = ()) -> None:
        plain = [i for i in set(case_ids) if PLAIN.fullmatch(i)]
        folded = Counter(i.lower() for i in plain)
        self._clashing = frozenset(i for i in plain if folded[i.lower()] > 1)

    def case(self, case_id: str) -> str:
        """``K1.html``, or ``slug.digest.html`` for an id that is not plain."""
        if (
            PLAIN.fullmatch(case_id)
            and case_id.upper() not in RESERVED
            and case_id not in self._clashing
        ):
            return f"{case_id}.html"
        return f"{slug(case_id)}.{digest(case_id)}.html"
