"""Oversight: supervisory review through the case, and a sound closure."""

from __future__ import annotations

import polars as pl

from caseguard.standards.frames import Frames
from caseguard.standards.gaps import longest_gaps
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import (
    FAIL,
    NA,
    PASS,
    day,
    evidence,
    in_categories,
    limit_text,
    not_in_scope,
    result,
    sev,
    whole_days,
)

EVIDENTIAL = ("SUSPECT_PHONE", "SUSPECT_CLOTHING", "FORENSIC", "ABE", "SUSPECT_ACTION")


def supervisor_reviews(f: Frames) -> pl.DataFrame:
    """Review notes by a supervisor or manager, within their case's open period."""
    return (
        f.notes.filter((pl.col("kind") == "review") & pl.col("supervisor"))
        .join(f.cases.select("case_id", "end"), on="case_id")
        .filter(pl.col("written_at") <= pl.col("end"))
        .select("case_id", "note_id", "written_at")
    )


@rule(
    "SUPERVISION",
    title="Regular supervisory review",
    family="oversight",
    checks="A `review` note by a supervisor within the first limit of `reported_at`, then no "
    "gap over N days between reviews (or from the last review to closure or now).",
    why="Supervisory review is how drift, missed actions and victim-blaming are caught; "
    "inspections repeatedly find it absent or a formality.",
    fix="A supervisor reviews the case now, records the direction given and sets the next "
    "review date.",
)
def supervision(f: Frames, p: RuleParams) -> pl.DataFrame:
    first_limit, limit = p.days("first_days"), p.days()
    reviews = supervisor_reviews(f)
    firsts = (
        reviews.sort("case_id", "written_at", "note_id")
        .group_by("case_id", maintain_order=True)
        .first()
        .select("case_id", first_at="written_at", first_id="note_id")
    )
    periods = firsts.join(f.cases.select("case_id", "end"), on="case_id").select(
        "case_id", start="first_at", end="end"
    )
    gaps = longest_gaps(periods, reviews.select("case_id", t="written_at", id="note_id"))
    found = pl.col("first_at").is_not_null()
    elapsed = pl.col("first_at") - pl.col("reported_at")
    pending = ~found & (pl.col("reported_at") + first_limit > pl.col("end")) & ~pl.col("closed")
    ok = found & (elapsed <= first_limit) & (pl.col("gap") <= limit)
    scope = in_categories(p.categories)
    frame = (
        f.cases.join(firsts, on="case_id", how="left")
        .join(gaps, on="case_id", how="left")
        .with_columns(
            status=pl.when(~scope)
            .then(NA)
            .when(ok)
            .then(PASS)
            .when(pending)
            .then(NA)
            .otherwise(FAIL),
            severity=sev(p.severity()),
            message=pl.when(~scope)
            .then(not_in_scope())
            .when(ok)
            .then(
                pl.format(
                    "Reviewed by a supervisor; longest gap between reviews {} days",
                    whole_days(pl.col("gap")),
                )
            )
            .when(pending)
            .then(
                pl.format(
                    "Not yet due: first supervisory review due by {}",
                    day(pl.col("reported_at") + first_limit),
                )
            )
            .when(~found)
            .then(
                pl.format(
                    "No supervisory review: reported {}, none in {} days",
                    day("reported_at"),
                    whole_days(pl.col("end") - pl.col("reported_at")),
                )
            )
            .when(elapsed > first_limit)
            .then(
                pl.format(
                    f"First supervisory review {{}} days after report "
                    f"(standard: within {limit_text(first_limit)})",
                    whole_days(elapsed),
                )
            )
            .otherwise(
                pl.format(
                    f"No supervisory review for {{}} days, {{}} to {{}} "
                    f"(standard: every {limit_text(limit)})",
                    whole_days(pl.col("gap")),
                    day("gap_from"),
                    day("gap_to"),
                )
            ),
            evidence=evidence("case_id", "first_id", "from_id", "to_id"),
        )
    )
    return result(frame, "case_id")


def _outstanding(f: Frames) -> pl.DataFrame:
    """Per case the evidential rules failing, joined by ', '."""
    parts = [
        f.results[r].filter(pl.col("status") == "fail").select(case_id="subject_id", rule=pl.lit(r))
        for r in EVIDENTIAL
        if r in f.results
    ]
    if not parts:
        return pl.DataFrame(schema={"case_id": pl.String, "outstanding": pl.String})
    return (
        pl.concat(parts)
        .sort("case_id", "rule")
        .group_by("case_id", maintain_order=True)
        .agg(outstanding=pl.col("rule").str.join(", "))
    )


@rule(
    "CLOSURE",
    title="Sound closure",
    family="oversight",
    checks="A closed case has a `closure` note, a supervisor's `review` within N days before "
    "(or at) `closed_at`, and no SUSPECT_PHONE, SUSPECT_CLOTHING, FORENSIC, ABE or "
    "SUSPECT_ACTION failure outstanding (critical when one is).",
    why="Cases closed with evidential opportunities outstanding, or without a supervisor's "
    "scrutiny, leave children unprotected and offenders unchallenged.",
    fix="Reopen or review the closure: complete the outstanding evidential actions, record "
    "the closure rationale and the supervisor's review.",
    needs=EVIDENTIAL,
)
def closure(f: Frames, p: RuleParams) -> pl.DataFrame:
    window = p.days("review_days")
    notes = f.notes.join(f.cases.select("case_id", "closed_at"), on="case_id")
    closure_notes = (
        notes.filter(pl.col("kind") == "closure")
        .sort("case_id", "note_id")
        .group_by("case_id", maintain_order=True)
        .agg(closure_id=pl.col("note_id").first())
    )
    reviews = (
        notes.filter(
            (pl.col("kind") == "review")
            & pl.col("supervisor")
            & (pl.col("written_at") <= pl.col("closed_at"))
            & (pl.col("written_at") >= pl.col("closed_at") - window)
        )
        .sort("case_id", "written_at", "note_id", descending=[False, True, False])
        .group_by("case_id", maintain_order=True)
        .agg(review_id=pl.col("note_id").first())
    )
    frame = (
        f.cases.join(closure_notes, on="case_id", how="left")
        .join(reviews, on="case_id", how="left")
        .join(_outstanding(f), on="case_id", how="left")
    )
    problems = pl.concat_str(
        [
            pl.when(pl.col("outstanding").is_not_null()).then(
                pl.format("; evidential failures outstanding: {}", pl.col("outstanding"))
            ),
            pl.when(pl.col("closure_id").is_null()).then(pl.lit("; no closure note")),
            pl.when(pl.col("review_id").is_null()).then(
                pl.lit(f"; no supervisor's review in the {limit_text(window)} before closure")
            ),
        ],
        ignore_nulls=True,
    )
    scope = in_categories(p.categories) & pl.col("closed")
    frame = frame.with_columns(problems=problems).with_columns(
        status=pl.when(~scope).then(NA).when(pl.col("problems") == "").then(PASS).otherwise(FAIL),
        severity=pl.when(pl.col("outstanding").is_not_null())
        .then(sev(p.severity("evidential")))
        .otherwise(sev(p.severity("other"))),
        message=pl.when(~in_categories(p.categories))
        .then(not_in_scope())
        .when(~pl.col("closed"))
        .then(pl.lit("Case is open"))
        .when(pl.col("problems") == "")
        .then(
            pl.format("Closed {} with a closure note and a supervisor's review", day("closed_at"))
        )
        .otherwise(pl.format("Closed {}{}", day("closed_at"), pl.col("problems"))),
        evidence=evidence("case_id", "closure_id", "review_id"),
    )
    return result(frame, "case_id")
