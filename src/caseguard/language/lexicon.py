"""Load and validate the lexicon (``lexicon.yaml``): the data the language screen runs on."""

from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re2
import yaml

from caseguard.errors import ConfigError
from caseguard.language.records import Severity

DEFAULT_PATH = Path(__file__).with_name("lexicon.yaml")
# libyaml's safe loader when it is built in (ten times faster), else the pure Python one.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
ID_FORMAT = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+$")
MACRO = re.compile(r"%([a-z]+)%")
REQUIRED = ("id", "category", "severity", "patterns", "why", "better", "sources")
# A literal space in a pattern: one or more spaces or hyphens ("risk taking", "risk-taking").
SPACE = r"[\s\-]+"
OPTIONAL_SPACE = r"[\s\-]*"


@dataclass(frozen=True, slots=True)
class Wording:
    """A better wording, and the ages it is right for (``under``: only for a younger child)."""

    text: str
    under: float | None = None

    def shown(self) -> str:
        """The wording as the catalogue prints it (with its age limit, if any)."""
        return self.text if self.under is None else f"{self.text} (only under {self.under:g})"


@dataclass(frozen=True, slots=True)
class Entry:
    """One lexicon entry: what to flag, why, and what to write instead."""

    id: str
    category: str
    severity: Severity
    patterns: tuple[str, ...]  # expanded regular expressions (RE2 and ``re`` compatible)
    phrases: tuple[str, ...]  # the patterns as written in the lexicon (for the docs)
    exceptions: tuple[str, ...]
    why: str
    better: tuple[str, ...]  # every wording as the catalogue prints it
    sources: tuple[str, ...]
    child_only: bool = False
    subject_check: bool = True
    weak_negation: bool = True  # False: a "not" before the words does not negate them
    terms_regex: str | None = (
        None  # whole terms a hit may lie inside ("child criminal exploitation")
    )
    examples_match: tuple[str, ...] = ()
    examples_no_match: tuple[str, ...] = ()
    wordings: tuple[Wording, ...] = ()

    def suggestions(self, child_age: float | None) -> tuple[str, ...]:
        """The better wordings right for the child's age (an unknown age gets each with its limit).

        "Raped" for "sexually active" is offered as such only under 13; for a child of 13 or
        older it is left out rather than worded as if the child were younger.
        """
        if all(w.under is None for w in self.wordings):
            return self.better
        out = []
        for wording in self.wordings:
            if wording.under is None:
                out.append(wording.text)
            elif child_age is None:
                out.append(f"{wording.text} (if the child was under {wording.under:g})")
            elif child_age < wording.under:
                out.append(wording.text)
        return tuple(out)

    @property
    def regex(self) -> str:
        """One case-insensitive, whole-word expression for every pattern of the entry."""
        return whole_words(self.patterns)

    @property
    def exception_regex(self) -> str | None:
        return whole_words(self.exceptions) if self.exceptions else None

    @property
    def advisory(self) -> bool:
        return self.severity is Severity.ADVISORY


@dataclass(frozen=True, slots=True)
class Lexicon:
    entries: tuple[Entry, ...]
    path: str
    source_keys: tuple[tuple[str, str], ...] = ()  # key, then title and address

    def by_id(self, entry_id: str) -> Entry:
        for entry in self.entries:
            if entry.id == entry_id:
                return entry
        raise KeyError(entry_id)


def whole_words(patterns: tuple[str, ...]) -> str:
    return "(?i)" + "|".join(rf"\b(?:{p})\b" for p in patterns)


def expand(pattern: str, macros: dict[str, str]) -> str:
    """Macros (``%refl%``) and spaces ("one or more spaces or hyphens") into a regex."""

    def macro(m: re.Match[str]) -> str:
        if m.group(1) not in macros:
            raise ValueError(f"unknown macro %{m.group(1)}%")
        return macros[m.group(1)]

    text = MACRO.sub(macro, pattern)
    return text.replace(" ?", OPTIONAL_SPACE).replace(" ", SPACE)


@functools.lru_cache(maxsize=4)
def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and check a lexicon file; every problem is a ``ConfigError`` naming the entry."""
    where = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = yaml.load(where.read_text(encoding="utf-8"), Loader=_LOADER)
    except OSError as exc:
        raise ConfigError(f"cannot read the lexicon ({exc.strerror})", path=str(where)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"the lexicon is not valid YAML ({exc})", path=str(where)) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError("the lexicon needs a list of 'entries'", path=str(where))
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    terms = _strings(data.get("terms") or [], "terms", str(where), "terms")
    terms_regex = (
        whole_words(tuple(_compiled(t, macros, str(where), "terms") for t in terms))
        if terms
        else None
    )
    keys = data.get("source_keys") or {}
    if not isinstance(keys, dict):
        raise ConfigError("'source_keys' must map a key to a title and address", path=str(where))
    entries: list[Entry] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["entries"], start=1):
        entry = dataclasses.replace(
            _entry(raw, number, macros, str(where)), terms_regex=terms_regex
        )
        if entry.id in seen:
            raise ConfigError("duplicate entry id", path=str(where), key=entry.id)
        seen.add(entry.id)
        unknown = [k for k in entry.sources if keys and k not in keys]
        if unknown:
            raise ConfigError(
                f"unknown source key {', '.join(unknown)}", path=str(where), key=entry.id
            )
        entries.append(entry)
    return Lexicon(tuple(entries), str(where), tuple((str(k), str(v)) for k, v in keys.items()))


def _entry(raw: Any, number: int, macros: dict[str, str], where: str) -> Entry:
    if not isinstance(raw, dict):
        raise ConfigError("an entry must be a mapping", path=where, key=f"entry {number}")
    key = str(raw.get("id") or f"entry {number}")
    missing = [name for name in REQUIRED if not raw.get(name)]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)}", path=where, key=key)
    if not ID_FORMAT.match(key):
        raise ConfigError("the id must look like VB-PLACING-AT-RISK", path=where, key=key)
    try:
        severity = Severity(raw["severity"])
    except ValueError:
        choices = ", ".join(s.value for s in Severity)
        raise ConfigError(f"severity must be one of {choices}", path=where, key=key) from None
    phrases = _strings(raw["patterns"], "patterns", where, key)
    wordings = _wordings(raw["better"], where, key)
    patterns = tuple(_compiled(p, macros, where, key, python=False) for p in phrases)
    exceptions = tuple(
        _compiled(p, macros, where, key)
        for p in _strings(raw.get("except", []), "except", where, key)
    )
    return Entry(
        id=key,
        category=str(raw["category"]),
        severity=severity,
        patterns=patterns,
        phrases=phrases,
        exceptions=exceptions,
        why=" ".join(str(raw["why"]).split()),
        better=tuple(w.shown() for w in wordings),
        wordings=wordings,
        sources=_strings(raw["sources"], "sources", where, key),
        child_only=bool(raw.get("child_only", False)),
        subject_check=bool(raw.get("subject_check", True)),
        weak_negation=bool(raw.get("weak_negation", True)),
        examples_match=_strings(raw.get("match", []), "match", where, key),
        examples_no_match=_strings(raw.get("no_match", []), "no_match", where, key),
    )


def _wordings(value: Any, where: str, key: str) -> tuple[Wording, ...]:
    """``better``: strings, or ``{wording: ..., under: AGE}`` for an age-limited wording."""
    if not isinstance(value, list):
        raise ConfigError("'better' must be a list", path=where, key=key)
    out = []
    for item in value:
        if isinstance(item, str):
            out.append(Wording(item))
        elif isinstance(item, dict) and isinstance(item.get("wording"), str):
            under = item.get("under")
            if under is not None and (
                isinstance(under, bool) or not isinstance(under, int | float)
            ):
                raise ConfigError("'under' must be an age in years", path=where, key=key)
            out.append(Wording(item["wording"], None if under is None else float(under)))
        else:
            raise ConfigError("a 'better' item is a string or has a 'wording'", path=where, key=key)
    return tuple(out)


def _strings(value: Any, name: str, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{name}' must be a list of strings", path=where, key=key)
    return tuple(value)


def _compiled(
    pattern: str, macros: dict[str, str], where: str, key: str, *, python: bool = True
) -> str:
    """Expand one pattern and prove it compiles in RE2 (and in Python ``re`` unless not asked).

    Patterns run on RE2 only, so loading checks them there; the lexicon tests check that they
    also compile in Python ``re`` (the benchmark and ``csvblocks.quote_safe`` parse them there).
    Exceptions and terms run on Python ``re`` and are checked in both.
    """
    try:
        expanded = expand(pattern, macros)
        if python:
            re.compile(expanded, re.IGNORECASE | re.ASCII)
        re2.compile(f"(?i){expanded}")
    except (ValueError, re.error, re2.error) as exc:
        raise ConfigError(f"bad pattern {pattern!r} ({exc})", path=where, key=key) from None
    return expanded
