"""Language: no victim-blaming language about the child, and any that appears challenged.

Both rules read the language screen's results for the chunk (``f.lang_findings`` and
``f.lang_reviews``, filled once per note by ``screening.screen_frames``).
"""

from __future__ import annotations

import polars as pl

from caseguard.standards.frames import Frames
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.screening import GENERAL
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    in_categories,
    limit_text,
    not_in_scope,
    result,
    sev,
)

EMPTY_IDS = pl.lit([], dtype=pl.List(pl.String))


@rule(
    "LANGUAGE",
    title="No victim-blaming language",
    family="language",
    checks="No note on the case holds victim-blaming language about the child, as found by "
    "the language screen.",
    why="Language that presents a child as consenting to or choosing their exploitation "
    "shapes decisions: it lowers the response and is read by the child and the courts.",
    fix="Have a supervisor challenge the wording on the case and record it accurately; "
    "use the screen's suggested wording in future notes.",
    language=True,
)
def language(f: Frames, p: RuleParams) -> pl.DataFrame:
    per_case = (
        f.lang_findings.sort("case_id", "note_id", "start")
        .group_by("case_id", maintain_order=True)
        .agg(
            notes=pl.col("note_id").unique(maintain_order=True),
            words=pl.when(pl.col("shown") == pl.col("match"))
            .then(pl.col("match").str.to_lowercase())
            .otherwise(pl.col("shown"))
            .unique(maintain_order=True),
        )
    )
    found = pl.col("notes").is_not_null()
    words = pl.col("words").list.head(5).list.eval(pl.format("'{}'", pl.element())).list.join(", ")
    frame = f.cases.join(per_case, on="case_id", how="left").with_columns(
        status=pl.when(~in_categories(p.categories))
        .then(NA)
        .when(found)
        .then(FAIL)
        .otherwise(PASS),
        severity=sev(p.severity()),
        message=pl.when(~in_categories(p.categories))
        .then(not_in_scope())
        .when(found)
        .then(
            pl.format(
                "Victim-blaming language in {} note(s): {}", pl.col("notes").list.len(), words
            )
        )
        .otherwise(pl.lit("No victim-blaming language found in the case's notes")),
        evidence=pl.concat_list(pl.col("case_id"), pl.col("notes").fill_null(EMPTY_IDS)),
    )
    return result(frame, "case_id")


def _challenged(f: Frames, p: RuleParams) -> pl.DataFrame:
    """Each finding, flagged ``challenged`` (by whom: ``review_id``) and ``due``."""
    window = p.days()
    reviews = f.lang_reviews.filter(pl.col("clean")).select(
        "case_id", review_id="note_id", review_at="written_at", challenges="challenges"
    )
    found = f.lang_findings.with_columns(key=pl.col("match").str.to_lowercase())
    covers = (
        pl.col("challenges").list.contains(pl.col("entry_id"))
        | pl.col("challenges").list.contains(pl.col("key"))
        | pl.col("challenges").list.contains(pl.lit(GENERAL))
    )
    hits = (
        found.join(reviews, on="case_id")
        .filter(
            (pl.col("review_id") != pl.col("note_id"))
            & (pl.col("review_at") >= pl.col("written_at"))
            & (pl.col("review_at") <= pl.col("written_at") + window)
            & covers
        )
        .sort("note_id", "start", "review_at", "review_id")
        .group_by("note_id", "start", maintain_order=True)
        .agg(review_id=pl.col("review_id").first())
    )
    return (
        found.join(hits, on=["note_id", "start"], how="left")
        .join(f.cases.select("case_id", "end", "closed"), on="case_id")
        .with_columns(
            challenged=pl.col("review_id").is_not_null(),
            due=pl.col("closed") | (pl.col("written_at") + window <= pl.col("end")),
        )
    )


@rule(
    "LANGUAGE_CHALLENGED",
    title="Victim-blaming language challenged",
    family="language",
    checks="Every victim-blaming finding in a note is challenged by a later `review` note by a "
    "supervisor within N days that names the words or says the language is inappropriate, "
    "and is itself free of victim-blaming language.",
    why="Supervisors set the culture of an investigation; unchallenged victim-blaming "
    "language spreads into risk decisions and charging advice.",
    fix="A supervisor reviews the note, names the words and records the correct framing of "
    "the child as a victim.",
    language=True,
)
def language_challenged(f: Frames, p: RuleParams) -> pl.DataFrame:
    window = p.days()
    flagged = (
        _challenged(f, p)
        .with_columns(missed=~pl.col("challenged") & pl.col("due"))
        .sort("case_id", pl.col("missed").not_(), "written_at", "note_id", "start")
    )
    per_case = flagged.group_by("case_id", maintain_order=True).agg(
        findings=pl.len(),
        missed=pl.col("missed").sum(),
        challenged=pl.col("challenged").sum(),
        first_match=pl.col("shown").first(),
        first_note=pl.col("note_id").first(),
        first_at=pl.col("written_at").first(),
        ids=pl.concat_list("note_id", "review_id")
        .list.explode(keep_nulls=False, empty_as_null=False)
        .drop_nulls()
        .unique(maintain_order=True),
    )
    more = (
        pl.when(pl.col("missed") > 1)
        .then(pl.format(" (and {} more)", pl.col("missed") - 1))
        .otherwise(pl.lit(""))
    )
    scope = in_categories(p.categories)
    frame = f.cases.join(per_case, on="case_id", how="left").with_columns(
        status=pl.when(~scope | pl.col("findings").is_null())
        .then(NA)
        .when(pl.col("missed") > 0)
        .then(FAIL)
        .when(pl.col("challenged") > 0)
        .then(PASS)
        .otherwise(NA),
        severity=sev(p.severity()),
        message=pl.when(~scope)
        .then(not_in_scope())
        .when(pl.col("findings").is_null())
        .then(pl.lit("No victim-blaming language to challenge"))
        .when(pl.col("missed") > 0)
        .then(
            pl.format(
                f"Victim-blaming words '{{}}' in note {{}} ({{}}) not challenged by a supervisor's "
                f"review within {limit_text(window)}{{}}",
                pl.col("first_match"),
                pl.col("first_note"),
                day("first_at"),
                more,
            )
        )
        .when(pl.col("challenged") > 0)
        .then(
            pl.format(
                "All {} victim-blaming finding(s) challenged by a supervisor", pl.col("findings")
            )
        )
        .otherwise(pl.lit("Not yet due: victim-blaming language awaiting a supervisor's review")),
        evidence=pl.concat_list(pl.col("case_id"), pl.col("ids").fill_null(EMPTY_IDS)),
    )
    return result(frame, "case_id")
