"""Every lexicon entry's own examples, and a clear error for an invalid lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest

from caseguard.errors import ConfigError
from caseguard.language import Severity, load_lexicon
from caseguard.language.examples import entry_hits
from caseguard.language.lexicon import Entry

LEXICON = load_lexicon()
MUST = [(e, s) for e in LEXICON.entries for s in e.examples_match]
MUST_NOT = [(e, s) for e in LEXICON.entries for s in e.examples_no_match]


def _id(value: object) -> str:
    return value.id if isinstance(value, Entry) else str(value)[:40]


@pytest.mark.parametrize(("entry", "sentence"), MUST, ids=_id)
def test_entry_matches_its_examples(entry: Entry, sentence: str) -> None:
    assert entry_hits(entry, sentence), f"{entry.id} should match: {sentence}"


@pytest.mark.parametrize(("entry", "sentence"), MUST_NOT, ids=_id)
def test_entry_does_not_match_its_counter_examples(entry: Entry, sentence: str) -> None:
    assert not entry_hits(entry, sentence), f"{entry.id} should not match: {sentence}"


def test_every_pattern_also_compiles_in_python_re() -> None:
    """Loading checks patterns in RE2 only; the benchmark and ``quote_safe`` need Python too."""
    import re

    from caseguard.language import csvblocks

    for entry in LEXICON.entries:
        re.compile(entry.regex.removeprefix("(?i)"), re.I | re.A)
    assert csvblocks.quote_safe()


def test_every_entry_is_complete() -> None:
    for entry in LEXICON.entries:
        assert entry.examples_match and entry.better and entry.sources, entry.id
    assert len(LEXICON.entries) >= 40


def test_every_table_row_has_an_entry() -> None:
    ids = {e.id for e in LEXICON.entries}
    for row in (
        "VB-PLACING-AT-RISK",
        "VB-SEXUAL-ACTIVITY-WITH",
        "VB-SEXUALLY-ACTIVE",
        "VB-CONTACTING-ADULTS",
        "VB-EXCHANGE-FOR-SEX",
        "VB-INVOLVED-IN-EXPLOITATION",
        "VB-WORKING-FOR",
        "VB-RELATIONSHIP",
        "VB-POOR-CHOICES",
        "VB-PROMISCUOUS",
        "VB-SEX-WORK",
        "VB-SEEKING-OUT-SEX",
        "VB-MISSING-LABELS",
        "VB-NON-ENGAGEMENT",
        "VB-WONT-LEAVE",
        "VB-STREETWISE",
        "VB-CHILD-PORNOGRAPHY",
        "VB-CHILD-PERPETRATOR",
        "VB-GANG-MEMBER",
        "VB-SLAVE",
        "VB-MONEY-MULE",
        "VB-PLUGGING",
    ):
        assert row in ids


def test_advisory_rows_are_advisory() -> None:
    advisory = {e.id for e in LEXICON.entries if e.severity is Severity.ADVISORY}
    assert advisory == {
        "ADV-GROOMING-LINE",
        "ADV-SURVIVOR-LABEL",
        "ADV-RISK-LABEL",
        "ADV-HISTORICAL",
    }


GOOD = """\
id: {id}
    category: blames_child
    severity: error
    patterns: ["{pattern}"]
    why: because
    better: [something better]
    sources: [DB]
"""


def _write(tmp_path: Path, *entries: tuple[str, str]) -> Path:
    body = "".join("  - " + GOOD.format(id=i, pattern=p) for i, p in entries)
    path = tmp_path / "lexicon.yaml"
    path.write_text("entries:\n" + body, encoding="utf-8")
    return path


def test_duplicate_id_is_a_config_error(tmp_path: Path) -> None:
    path = _write(tmp_path, ("VB-ONE", "one"), ("VB-ONE", "two"))
    with pytest.raises(ConfigError, match="VB-ONE: duplicate entry id"):
        load_lexicon(path)


@pytest.mark.parametrize("pattern", ["(?<=x)abc", "unclosed (group", "back (a)\\\\1"])
def test_bad_pattern_names_the_entry(tmp_path: Path, pattern: str) -> None:
    path = _write(tmp_path, ("VB-GOOD", "fine"), ("VB-BAD", pattern))
    with pytest.raises(ConfigError, match="VB-BAD: bad pattern"):
        load_lexicon(path)


def test_missing_fields_and_bad_severity(tmp_path: Path) -> None:
    path = tmp_path / "lexicon.yaml"
    path.write_text("entries:\n  - id: VB-X\n    category: c\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="VB-X: missing severity, patterns"):
        load_lexicon(path)
    path.write_text(
        "entries:\n  - " + GOOD.format(id="VB-Y", pattern="y").replace("error", "fatal"),
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="VB-Y: severity must be one of"):
        load_lexicon(path)


def test_unreadable_lexicon(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the lexicon"):
        load_lexicon(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("entries: [\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_lexicon(bad)
