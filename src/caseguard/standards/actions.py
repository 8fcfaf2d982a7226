"""Which actions count: ``done``, or ``declined``/``not_required`` with a rationale."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from caseguard.standards.frames import Frames

JUSTIFIED_OUTCOMES = ("declined", "not_required")


def justified() -> pl.Expr:
    return pl.col("outcome").is_in(JUSTIFIED_OUTCOMES) & (
        pl.col("detail").fill_null("").str.strip_chars().str.len_chars() > 0
    )


def counting(actions: pl.DataFrame, kinds: Sequence[str]) -> pl.DataFrame:
    """Actions of ``kinds`` that count (done) or are justified, flagged ``justified``."""
    done = pl.col("outcome") == "done"
    return actions.filter(pl.col("kind").is_in(list(kinds)) & (done | justified())).with_columns(
        justified=~done
    )


def in_period(f: Frames, actions: pl.DataFrame) -> pl.DataFrame:
    """Actions dated within their case's open period (up to its end; earlier ones count)."""
    return actions.join(f.cases.select("case_id", "end"), on="case_id").filter(
        pl.col("at") <= pl.col("end")
    )


def first_action(f: Frames, kinds: Sequence[str]) -> pl.DataFrame:
    """Per case, the earliest counting action of ``kinds`` in the open period.

    Columns: ``case_id, first_at, first_id, first_kind, first_outcome, first_detail,
    first_justified``.
    """
    rows = in_period(f, counting(f.actions, kinds)).sort("case_id", "at", "action_id")
    return (
        rows.group_by("case_id", maintain_order=True)
        .first()
        .select(
            "case_id",
            first_at="at",
            first_id="action_id",
            first_kind="kind",
            first_outcome="outcome",
            first_detail="detail",
            first_justified="justified",
        )
    )
