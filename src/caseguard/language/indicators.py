"""Load and check the indicator lexicon (``indicators.yaml``): written signs of exploitation.

Each indicator is also a language-lexicon ``Entry``, so the language screen's RE2 matcher
finds every indicator in one pass and its context stage judges each hit (negation,
quotation, someone else's words, guidance). The detector is ``caseguard.language.signs``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import re2
import yaml

from caseguard.errors import ConfigError
from caseguard.language.lexicon import ID_FORMAT, Entry, Lexicon, expand
from caseguard.language.records import Severity

DEFAULT_PATH = Path(__file__).with_name("indicators.yaml")
REQUIRED = ("id", "category", "label", "patterns", "why", "sources", "match")
CATEGORIES = (
    "money_gifts",
    "phones",
    "places",
    "transport",
    "premises",
    "county_lines",
    "sexual_health",
    "drugs_weapons",
    "withdrawal",
    "older_adults",
    "away_from_home",
    "condition_on_return",
    "contact",
)


@dataclass(frozen=True, slots=True)
class Indicator:
    """One written sign of exploitation: what to look for, why, and where it is listed."""

    entry: Entry  # the matcher's and the context stage's view of it
    label: str  # "unexplained money or gifts"

    @property
    def id(self) -> str:
        return self.entry.id

    @property
    def category(self) -> str:
        return self.entry.category

    @property
    def why(self) -> str:
        return self.entry.why

    @property
    def sources(self) -> tuple[str, ...]:
        return self.entry.sources

    @property
    def examples_match(self) -> tuple[str, ...]:
        return self.entry.examples_match

    @property
    def examples_no_match(self) -> tuple[str, ...]:
        return self.entry.examples_no_match


@dataclass(frozen=True)
class IndicatorLexicon:
    indicators: tuple[Indicator, ...]
    sources: Mapping[str, str]
    not_a_sign: tuple[str, ...]  # cue expressions: the sign is named, not observed
    attributed_counts: bool  # a sign reported by someone else ("mum says ...") counts
    path: str

    def as_lexicon(self) -> Lexicon:
        return Lexicon(tuple(i.entry for i in self.indicators), self.path)

    def by_id(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)


@functools.lru_cache(maxsize=4)
def load_indicators(path: str | Path | None = None) -> IndicatorLexicon:
    """Read and check an indicator lexicon; every problem is a ``ConfigError`` naming the entry."""
    where = Path(path) if path is not None else DEFAULT_PATH
    try:
        data = yaml.safe_load(where.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(
            f"cannot read the indicator lexicon ({exc.strerror})", path=str(where)
        ) from None
    except yaml.YAMLError as exc:
        raise ConfigError(
            f"the indicator lexicon is not valid YAML ({exc})", path=str(where)
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("entries"), list):
        raise ConfigError("the indicator lexicon needs a list of 'entries'", path=str(where))
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    sources = {str(k): str(v) for k, v in (data.get("sources") or {}).items()}
    not_a_sign = tuple(
        _check(p, {}, str(where), "not_a_sign") for p in data.get("not_a_sign") or []
    )
    indicators: list[Indicator] = []
    seen: set[str] = set()
    for number, raw in enumerate(data["entries"], start=1):
        indicator = _indicator(raw, number, macros, sources, str(where))
        if indicator.id in seen:
            raise ConfigError("duplicate entry id", path=str(where), key=indicator.id)
        seen.add(indicator.id)
        indicators.append(indicator)
    return IndicatorLexicon(
        tuple(indicators),
        sources,
        not_a_sign,
        bool(data.get("attributed_counts", True)),
        str(where),
    )


def _indicator(
    raw: Any, number: int, macros: dict[str, str], sources: Mapping[str, str], where: str
) -> Indicator:
    if not isinstance(raw, dict):
        raise ConfigError("an entry must be a mapping", path=where, key=f"entry {number}")
    key = str(raw.get("id") or f"entry {number}")
    missing = [name for name in REQUIRED if not raw.get(name)]
    if missing:
        raise ConfigError(f"missing {', '.join(missing)}", path=where, key=key)
    if not ID_FORMAT.match(key):
        raise ConfigError("the id must look like IND-UNEXPLAINED-GOODS", path=where, key=key)
    if raw["category"] not in CATEGORIES:
        raise ConfigError(f"category must be one of {', '.join(CATEGORIES)}", path=where, key=key)
    cited = _strings(raw["sources"], "sources", where, key)
    unknown = [s for s in cited if s not in sources]
    if unknown:
        raise ConfigError(f"unknown source {unknown[0]!r}", path=where, key=key)
    phrases = _strings(raw["patterns"], "patterns", where, key)
    entry = Entry(
        id=key,
        category=str(raw["category"]),
        severity=Severity.WARNING,
        patterns=tuple(_check(p, macros, where, key) for p in phrases),
        phrases=phrases,
        exceptions=tuple(
            _check(p, macros, where, key)
            for p in _strings(raw.get("except", []), "except", where, key)
        ),
        why=" ".join(str(raw["why"]).split()),
        better=(),
        sources=cited,
        child_only=False,
        subject_check=False,  # a sign is a sign whoever the sentence's subject is
        examples_match=_strings(raw["match"], "match", where, key),
        examples_no_match=_strings(raw.get("no_match", []), "no_match", where, key),
    )
    return Indicator(entry, str(raw["label"]))


def _strings(value: Any, name: str, where: str, key: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"'{name}' must be a list of strings", path=where, key=key)
    return tuple(value)


def _check(pattern: str, macros: dict[str, str], where: str, key: str) -> str:
    """Expand one pattern and prove it compiles in RE2 and in Python ``re``."""
    try:
        expanded = expand(pattern, macros)
        re.compile(expanded, re.IGNORECASE | re.ASCII)
        re2.compile(f"(?i){expanded}")
    except (ValueError, re.error, re2.error) as exc:
        raise ConfigError(f"bad pattern {pattern!r} ({exc})", path=where, key=key) from None
    return expanded
