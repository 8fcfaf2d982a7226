"""Taking people's names out of free text: the one scrubbing function every output uses.

``NameIndex.build`` reads the display name of every child (and any named person) in a
bundle once and keeps each *name part* under a comparison key; ``scrub`` then walks a
text word by word and replaces every word that is a name part with the pseudonym of
the person it belongs to (``Child-7QF3K2``), or with ``[name]`` where several people
share it and the text's own child is not one of them. The cost is one dictionary
look-up per word, whatever the number of people in the bundle.

What counts as one word, and when two words are the same:

- a word is a run of letters (with combining marks and zero-width characters inside
  it), apostrophes allowed between letters (``O’Neill``); digits, ``_``, ``.``, ``-``
  and spaces end it, so ``@zoe_smith``, ``zoe.smith``, ``Zennor-Hale`` and
  ``zoe2012`` are each read as their parts;
- words are compared after Unicode NFKC, with zero-width characters dropped, accents
  and other combining marks dropped (``Zoe`` + U+0308, ``Zoë`` and ``Zoe`` are one
  word), curly and straight apostrophes made one, and case folded;
- a possessive ``'s`` / ``’s`` is kept after the pseudonym (``Child-7QF3K2's``);
- a word made of two or three name parts joined with nothing (``zoesmith``) is a name
  when each part has three letters or more;
- parts of one person's name written next to each other become one pseudonym
  (``Zoe Smith`` → ``Child-7QF3K2``).

Only whole words that are name parts of someone in the bundle are replaced, so text
without names is left exactly as it was. A name part that is also an ordinary English
word (``ordinary_words.txt``: Drew, Haven, Will, Young …) is replaced where it is
written with a capital letter and kept where it is written all in lower case ("she
drew a map"). Parts of one letter (initials) are not replaced.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

SHARED = "[name]"
MIN_PART = 2
MIN_JOINED_PART = 3

_MARKS = "\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"
_HIDDEN = (
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff"
)
_APOSTROPHES = "'\u2019\u2018\u02bc\u02b9\u0060\u00b4\uff07"
_CHAR = rf"(?:[^\W\d_]|[{_MARKS}{_HIDDEN}])"
_WORD = rf"{_CHAR}+(?:[{_APOSTROPHES}]{_CHAR}+)*"
# Pseudonyms and the shared label are passed over, so scrubbing twice changes nothing.
_LABEL = r"(?:Child|Adult)-[2-9A-HJKMNP-TV-Z]{6}(?![^\W_])|\[name\]"
_TOKEN = re.compile(rf"(?P<label>{_LABEL})|{_WORD}")
_WORDS = re.compile(_WORD)
_HIDDEN_RE = re.compile(f"[{_HIDDEN}]")
_APOSTROPHE_RE = re.compile(f"[{_APOSTROPHES}]")
_JOINER = re.compile(r"[\s._\-\u2010\u2011]*")


def fold(word: str) -> str:
    """The comparison key of a word: NFKC, no zero-width or combining marks, one apostrophe."""
    if word.isascii():
        return word.replace("`", "'").casefold()
    text = _HIDDEN_RE.sub("", unicodedata.normalize("NFKC", word))
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _APOSTROPHE_RE.sub("'", unicodedata.normalize("NFKC", text)).casefold()


def name_keys(display_name: str | None) -> list[str]:
    """The keys of a name's parts: each word, and each side of an apostrophe (O'Neill)."""
    if not display_name:
        return []
    keys: list[str] = []
    for word in _WORDS.findall(display_name):
        key = fold(word)
        if len(key) < MIN_PART:
            continue
        keys.append(key)
        if "'" in key:
            keys.append(key.replace("'", ""))
            keys.extend(p for p in key.split("'") if len(p) >= MIN_PART)
    return list(dict.fromkeys(keys))


@cache
def ordinary_words() -> frozenset[str]:
    """Name parts that are also everyday words (kept when written all in lower case)."""
    text = resources.files("caseguard.privacy").joinpath("ordinary_words.txt").read_text("utf-8")
    return frozenset(
        line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@dataclass(frozen=True)
class NameIndex:
    """Every name part in a bundle, each with the label that replaces it."""

    labels: Mapping[str, str] = field(default_factory=dict)
    ordinary: frozenset[str] = field(default_factory=ordinary_words)

    @classmethod
    def build(cls, people: Iterable[tuple[str, str | None]]) -> NameIndex:
        """From ``(label, display name)`` pairs; a part two people share gets ``SHARED``."""
        labels: dict[str, str] = {}
        for label, name in people:
            for key in name_keys(name):
                if labels.setdefault(key, label) != label:
                    labels[key] = SHARED
        return cls(labels)

    def __bool__(self) -> bool:
        return bool(self.labels)


def own_names(display_name: str | None, label: str) -> dict[str, str]:
    """The parts of one person's name, each to ``label`` (the text's own child wins)."""
    return dict.fromkeys(name_keys(display_name), label)


def scrub(
    text: str, names: NameIndex, own: Mapping[str, str] | None = None, *, strict: bool = False
) -> str:
    """``text`` with every name part of everyone in ``names`` (and ``own``) replaced.

    ``own`` maps the keys of the text's own child's names to that child's label; a
    part that other people share then still shows whose it is. ``strict`` replaces
    ordinary-word name parts in lower case too (for text that was lower-cased after it
    was written, such as the words an audit's finding quotes).
    """
    if not text or not (names or own):
        return text
    if _none_in(text, names, own or {}):
        return text
    if strict:
        names = NameIndex(names.labels, frozenset())
    spans: list[tuple[int, int, str]] = []
    for match in _TOKEN.finditer(text):
        if match.group("label") is None:
            hit = _hit(match, names, own or {})
            if hit is not None:
                spans.append(hit)
    return _replace(text, spans) if spans else text


PREFILTER_KEYS = 64


def _none_in(text: str, names: NameIndex, own: Mapping[str, str]) -> bool:
    """True when no name part can be in ``text``: a quick test for a small index.

    For ASCII text a word's key is the word case-folded (with ` as '), so a word that
    is a name part, a possessive of one or parts joined together holds that part as a
    substring of the folded text; when no part is a substring, nothing is replaced."""
    if len(names.labels) + len(own) > PREFILTER_KEYS or not text.isascii():
        return False
    folded = text.replace("`", "'").casefold()
    return not any(key in folded for key in (*own, *names.labels))


def _hit(
    match: re.Match[str], names: NameIndex, own: Mapping[str, str]
) -> tuple[int, int, str] | None:
    word = match.group()
    key = fold(word)
    end = match.end()
    label = _label(key, word, names, own)
    if label is None and key.endswith("'s"):
        label = _label(key[:-2], word, names, own)
        end = match.start() + max(word.rfind(a) for a in _APOSTROPHES)
    if label is None:
        label = _joined(key, word, names, own)
    return None if label is None else (match.start(), end, label)


def _label(key: str, word: str, names: NameIndex, own: Mapping[str, str]) -> str | None:
    label = own.get(key) or names.labels.get(key)
    if label is not None and key in names.ordinary and word.islower():
        return None
    return label


def _joined(key: str, word: str, names: NameIndex, own: Mapping[str, str]) -> str | None:
    """The label of a word made of two or three name parts (``zoesmith``), if it is one."""
    if len(key) < 2 * MIN_JOINED_PART or "'" in key:
        return None
    for cut in range(MIN_JOINED_PART, len(key) - MIN_JOINED_PART + 1):
        head = _label(key[:cut], word, names, own)
        if head is None:
            continue
        tail = _label(key[cut:], word, names, own) or _joined(key[cut:], word, names, own)
        if tail is not None:
            return head if head == tail else SHARED
    return None


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    """The text with each span replaced; one person's adjacent parts become one label."""
    out: list[str] = []
    at = 0
    last: tuple[int, int, str] | None = None
    for start, end, label in spans:
        between = text[at:start]
        if last is not None and label == last[2] and _JOINER.fullmatch(between):
            at = end
            continue
        out.append(between)
        out.append(label)
        at = end
        last = (start, end, label)
    out.append(text[at:])
    return "".join(out)
