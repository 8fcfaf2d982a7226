"""Names out of the free text an audit writes: action details and the screen's matches.

A finding's message quotes free text in two places: the rationale of a declined or
not-required action (its ``detail``) and the words the language screen matched. Both
pass through ``caseguard.privacy.names.scrub`` before any rule reads them, with the
names of every child in the bundle (``NameIndex``, built once after staging and sent
to each worker) and the case's own child's names, so a rule can never quote a name.
The rules test ``detail`` only for being empty, which scrubbing never changes; the
screen's ``match`` stays as found (supervisors' challenges are compared with it) and
the scrubbed form goes to ``shown``.

Each distinct text is scrubbed once per child: a chunk's details and matches are few
beside its notes, and the index answers a word in one look-up.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from caseguard.audit.staging import Staged
from caseguard.privacy.names import SHARED, NameIndex, own_names, scrub
from caseguard.report.pseudonyms import Pseudonymiser
from caseguard.standards.frames import Frames

Label = Callable[[str], str]  # a child id's pseudonym
NAMED = pl.col("display_name").str.strip_chars().str.len_chars() > 0


def child_labels(staged: Staged, key: bytes) -> Label:
    """Each staged child's pseudonym, no two alike (``Pseudonymiser.for_ids``)."""
    ids = staged.scan("children").select("child_id").collect()["child_id"].to_list()
    return Pseudonymiser.for_ids(key, ids).child


def unlabelled(child_id: str) -> str:
    """The label of every name when the audit has no pseudonym key."""
    return SHARED


def bundle_names(staged: Staged, label: Label) -> NameIndex:
    """Every staged child's name parts, each to the child's pseudonym (``[name]`` if shared)."""
    named = (
        staged.scan("children")
        .filter(NAMED)
        .group_by("display_name")
        .agg(child_id=pl.col("child_id").min(), children=pl.col("child_id").n_unique())
        .collect()
    )
    return names_index(named, label)


def names_index(named: pl.DataFrame, label: Label) -> NameIndex:
    """The index from each name's first child (least id) and its number of children
    (``display_name``, ``child_id``, ``children``; names without letters left out)."""
    named = named.filter(NAMED).sort("display_name")
    return NameIndex.build(
        (label(child_id) if children == 1 else SHARED, name)
        for name, child_id, children in named.select(
            "display_name", "child_id", "children"
        ).iter_rows()
    )


def scrub_frames(f: Frames, names: NameIndex, label: Label) -> None:
    """Take every name out of the chunk's action details and language matches."""
    children = dict(f.children.select("child_id", "display_name").iter_rows())
    owns: dict[str, dict[str, str]] = {}

    def own(child_id: str) -> dict[str, str]:
        if child_id not in owns:
            owns[child_id] = own_names(children.get(child_id), label(child_id))
        return owns[child_id]

    case_child = f.cases.select("case_id", "child_id")
    f.actions = _scrubbed(f.actions, "detail", "detail", case_child, names, own)
    f.lang_findings = _scrubbed(f.lang_findings, "match", "shown", case_child, names, own)


def _may_hold_names(texts: pl.Expr, names: NameIndex) -> pl.Expr:
    """Texts that may hold a name part: any key as a substring (any case), or non-ASCII.

    A fast superset (one Aho-Corasick pass) of the texts ``scrub`` would change: a text
    with only ASCII letters holds a name only if it holds a key's letters as they are.
    """
    non_ascii = texts.str.contains(r"[^\x00-\x7F]")
    keys = [key for key in names.labels if key.isascii()]
    if not keys:
        return non_ascii.fill_null(False)
    return (texts.str.contains_any(keys, ascii_case_insensitive=True) | non_ascii).fill_null(False)


def _scrubbed(
    frame: pl.DataFrame,
    source: str,
    target: str,
    case_child: pl.DataFrame,
    names: NameIndex,
    own: Callable[[str], dict[str, str]],
) -> pl.DataFrame:
    """``frame`` with ``target`` set to ``source`` scrubbed for the case's child.

    Only the distinct (text, case) pairs that may hold a name are scrubbed, and only the
    rows whose text changed are written back, so a chunk without names costs one filter.
    """
    frame = frame.with_columns(pl.col(source).alias(target))
    todo = (
        frame.filter(_may_hold_names(pl.col(source), names))
        .select(source, "case_id")
        .unique()
        .join(case_child, on="case_id", how="left")
    )
    changed = [
        (text, case_id, clean)
        for text, case_id, child_id in todo.iter_rows()
        if (clean := scrub(text, names, own(child_id or ""))) != text
    ]
    if not changed:
        return frame
    fixes = pl.DataFrame(
        changed,
        schema={source: pl.String, "case_id": pl.String, "__clean": pl.String},
        orient="row",
    )
    hits = (
        frame.select(source, "case_id")
        .with_row_index("__at")
        .filter(pl.col(source).is_in(fixes[source].unique().implode()))
        .join(fixes, on=[source, "case_id"], how="inner")
    )
    column = frame[target].scatter(hits["__at"], hits["__clean"])
    return frame.with_columns(column)
