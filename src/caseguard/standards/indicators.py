"""Indicators of exploitation on a case, for EXPLOITATION_IDENTIFIED: one row per indicator.

Three kinds, each a dated piece of evidence (``shared/spec/standards.md``, version 1.1):

- ``repeat_missing``: the child's 3rd missing episode within 90 days, ending in the case's
  *window* (the open period and the 90 days before ``reported_at``); dated at that episode;
- ``found_with``: an episode in the window whose ``found_with_person_id`` is 18 or over and at
  least 5 years older than the child at the time, or a suspect in any cse or cce case; dated
  at ``returned_at`` (else ``reported_at``);
- ``written``: a note or an action's ``detail`` on the case, or a window episode's
  ``found_location``, that records a sign from the indicator lexicon (judged in context by
  ``caseguard.language.signs``); dated at the note, action or episode.

Everything is vectorised over the chunk; only the texts of in-scope cases go through the
detector (one RE2 set pass a batch, context only for the texts with a hit).
"""

from __future__ import annotations

import polars as pl

from caseguard.standards.frames import TS, Frames
from caseguard.standards.rubric import RuleParams
from caseguard.standards.verdicts import in_categories

INDICATORS: dict[str, pl.DataType] = {
    "case_id": pl.String(),
    "at": TS,
    "kind": pl.String(),  # repeat_missing | found_with | written
    "label": pl.String(),  # "found with a man 11 years older"
    "categories": pl.List(pl.String()),  # the lexicon categories of a written sign
    "ids": pl.List(pl.String()),  # the evidence: row ids
}
BATCH = 2048  # texts a detector batch


def age_at(born: str | pl.Expr, when: str | pl.Expr) -> pl.Expr:
    """Whole years from the date ``born`` to the timestamp ``when``."""
    dob = pl.col(born) if isinstance(born, str) else born
    moment = pl.col(when) if isinstance(when, str) else when
    before_birthday = (moment.dt.month() < dob.dt.month()) | (
        (moment.dt.month() == dob.dt.month()) & (moment.dt.day() < dob.dt.day())
    )
    return (
        moment.dt.year().cast(pl.Int64)
        - dob.dt.year().cast(pl.Int64)
        - before_birthday.cast(pl.Int64)
    )


def scoped_cases(f: Frames, p: RuleParams) -> pl.DataFrame:
    """In-scope cases with their window: ``case_id, child_id, reported_at, end, since``."""
    return f.cases.filter(in_categories(p.categories)).select(
        "case_id",
        "child_id",
        "reported_at",
        "end",
        since=pl.col("reported_at") - p.days("window_days"),
    )


def _window_episodes(f: Frames, cases: pl.DataFrame) -> pl.DataFrame:
    """Each case's child's episodes reported in the case's window, dated ``at``."""
    return (
        cases.join(f.episodes, on="child_id", suffix="_ep")
        .filter(
            (pl.col("reported_at_ep") >= pl.col("since"))
            & (pl.col("reported_at_ep") <= pl.col("end"))
        )
        .with_columns(at=pl.coalesce("returned_at", "reported_at_ep"))
        .filter(pl.col("at") <= pl.col("end"))
    )


def repeat_missing(f: Frames, p: RuleParams, cases: pl.DataFrame) -> pl.DataFrame:
    """Per case the first Nth-within-the-window episode ending in the case's window."""
    n, window = p.count("episodes"), p.days("window_days")
    eps = f.episodes.sort("child_id", "reported_at", "episode_id")
    lag = pl.col("reported_at").shift(n - 1).over("child_id")
    ids = pl.concat_list([pl.col("episode_id").shift(k).over("child_id") for k in range(n)])
    triggers = eps.with_columns(met=(pl.col("reported_at") - lag) <= window, ids=ids).filter(
        pl.col("met")
    )
    return (
        cases.join(triggers.select("child_id", "reported_at", "ids"), on="child_id", suffix="_t")
        .filter(
            (pl.col("reported_at_t") >= pl.col("since"))
            & (pl.col("reported_at_t") <= pl.col("end"))
        )
        .sort("case_id", "reported_at_t")
        .group_by("case_id", maintain_order=True)
        .first()
        .select(
            "case_id",
            at="reported_at_t",
            kind=pl.lit("repeat_missing"),
            label=pl.lit(f"missing {n} times within {p.number('window_days'):g} days"),
            categories=pl.lit([], dtype=pl.List(pl.String())),
            ids=pl.col("ids").list.reverse(),
        )
    )


def found_with(f: Frames, p: RuleParams, cases: pl.DataFrame) -> pl.DataFrame:
    """Window episodes where the child was found with an older adult or a cse/cce suspect."""
    adult, gap = p.count("adult_age"), p.count("age_gap_years")
    persons = f.persons.select("person_id", adult_dob="date_of_birth", adult_sex="sex")
    children = f.children.select("child_id", child_dob="date_of_birth")
    eps = (
        _window_episodes(f, cases)
        .filter(pl.col("found_with_person_id").is_not_null())
        .join(persons, left_on="found_with_person_id", right_on="person_id", how="left")
        .join(children, on="child_id", how="left")
        .with_columns(
            adult_age=age_at("adult_dob", "at"),
            # how much older: the adult's age in whole years on the child's date of birth
            years=age_at("adult_dob", pl.col("child_dob").cast(TS)),
            suspect=pl.col("found_with_person_id").is_in(f.suspects.implode()),
        )
    )
    older = ((pl.col("adult_age") >= adult) & (pl.col("years") >= gap)).fill_null(False)
    who = (
        pl.when(pl.col("adult_sex") == "male")
        .then(pl.lit("a man"))
        .when(pl.col("adult_sex") == "female")
        .then(pl.lit("a woman"))
        .otherwise(pl.lit("an adult"))
    )
    label = pl.concat_str(
        [
            pl.lit("found with "),
            pl.when(older)
            .then(pl.format("{} {} years older", who, pl.col("years")))
            .otherwise(pl.lit("a person")),
            pl.when(pl.col("suspect")).then(pl.lit(", a suspect in a cse/cce case")),
        ],
        ignore_nulls=True,
    )
    return eps.filter(older | pl.col("suspect")).select(
        "case_id",
        "at",
        kind=pl.lit("found_with"),
        label=label,
        categories=pl.lit([], dtype=pl.List(pl.String())),
        ids=pl.concat_list("episode_id", "found_with_person_id"),
    )


def _texts(f: Frames, p: RuleParams, cases: pl.DataFrame) -> pl.DataFrame:
    """Every text of the in-scope cases the detector reads: ``case_id, at, id, text, where``."""
    ids = cases.select("case_id", "end")
    notes = f.notes.join(ids, on="case_id").select(
        "case_id", at="written_at", id="note_id", text="text", end="end", where=pl.lit("")
    )
    details = (
        f.actions.filter(pl.col("detail").is_not_null())
        .join(ids, on="case_id")
        .select("case_id", "at", id="action_id", text="detail", end="end", where=pl.lit(""))
    )
    places = (
        _window_episodes(f, cases)
        .filter(pl.col("found_location").is_not_null())
        .select(
            "case_id",
            "at",
            id="episode_id",
            text="found_location",
            end="end",
            where=pl.lit("found at: "),
        )
    )
    return (
        pl.concat([notes, details, places])
        .filter(pl.col("at") <= pl.col("end"))
        .drop("end")
        .unique(["case_id", "id"], keep="first", maintain_order=True)
    )


def written(f: Frames, p: RuleParams, cases: pl.DataFrame) -> pl.DataFrame:
    """Notes, action details and found locations that record a sign (one row per text)."""
    from caseguard.language.signs import detector

    texts = _texts(f, p, cases)
    # Records repeat texts (boilerplate, found locations): each distinct text is read once.
    distinct = texts["text"].fill_null("").unique(maintain_order=True)
    values = distinct.to_list()
    positions: list[int] = []
    labels: list[str] = []
    categories: list[str] = []
    found = detector()
    for start in range(0, len(values), BATCH):
        for index, signs in found.batch(values[start : start + BATCH]).items():
            positions.append(start + index)
            labels.append(", ".join(dict.fromkeys(s.label for s in signs)))
            categories.append(",".join(dict.fromkeys(s.category for s in signs)))
    hits = pl.DataFrame(
        {"text": [values[n] for n in positions], "label": labels, "categories": categories},
        schema={"text": pl.String(), "label": pl.String(), "categories": pl.String()},
    ).with_columns(pl.col("categories").str.split(","))
    return (
        texts.with_columns(pl.col("text").fill_null(""))
        .join(hits, on="text", maintain_order="left")
        .select(
            "case_id",
            "at",
            kind=pl.lit("written"),
            label=pl.col("where") + pl.col("label"),
            categories="categories",
            ids=pl.concat_list("id"),
        )
    )


def indicators(f: Frames, p: RuleParams) -> pl.DataFrame:
    """Every indicator on every in-scope case of the chunk, sorted by case and date."""
    cases = scoped_cases(f, p)
    parts = [
        repeat_missing(f, p, cases),
        found_with(f, p, cases),
        written(f, p, cases),
    ]
    return pl.concat(
        [part.select(list(INDICATORS)).cast(pl.Schema(INDICATORS)) for part in parts]
    ).sort("case_id", "at", "kind", "label")
