"""The report's view of the audit's staged tables (``caseguard.audit.staging``).

A report is about the whole audit, so its figures come from the staged Parquet the
audit read (or, for ``caseguard report`` on its own, from the source staged the same
way once), by Polars queries over whole columns: no row of a bundle is validated or
made into a record twice. Records (``CaseData``) are made only of every child and
case, and of the few children whose pages are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass
from functools import cached_property

import polars as pl

from caseguard.audit.staging import Staged
from caseguard.report.data import CaseData, Note
from caseguard.standards.frames import SUPERVISOR_ROLES

HOUR_US = 3_600_000_000
DAY_US = 24 * HOUR_US
LINK_ROLES = ("suspect", "associate")


def _in(column: str, values: Collection[str]) -> pl.Expr:
    return pl.col(column).is_in(pl.Series(values=list(values), dtype=pl.String).implode())


def _span(later: pl.Expr, earlier: pl.Expr, unit: int) -> pl.Expr:
    return (later - earlier).dt.total_microseconds() / unit


@dataclass
class StagedRecords:
    """Whole-audit figures from the staged tables, and records for pages."""

    staged: Staged

    def case_data(self, source: str) -> CaseData:
        """Every child, case and member of staff as records (``source`` names the data)."""
        data = CaseData(source)
        for table in ("children", "cases", "staff"):
            data.add_frame(table, self.staged.table(table))
        return data

    def add_pages(self, data: CaseData, children: Collection[str]) -> None:
        """The notes, actions, links and missing episodes of ``children`` (those with
        pages), added to ``data``."""
        if not children:
            return
        cases = [c.case_id for c in data.cases.values() if c.child_id in children]
        for table in ("notes", "actions", "case_persons"):
            data.add_frame(table, self._where(table, "case_id", cases))
        data.add_frame("missing_episodes", self._where("missing_episodes", "child_id", children))

    def _where(self, table: str, column: str, values: Collection[str]) -> pl.DataFrame:
        return self.staged.scan(table).filter(_in(column, values)).collect()

    def timeliness(
        self, case_ids: Collection[str], now: dt.datetime
    ) -> tuple[list[float | None], list[float | None], list[float]]:
        """For each case: hours to its first action, days to the child seen in person, and
        the longest gap in days between supervisors' reviews of its open period."""
        cases = (
            self.staged.scan("cases")
            .filter(_in("case_id", case_ids))
            .select("case_id", "reported_at", end=pl.col("closed_at").fill_null(now))
            .unique("case_id", keep="first")
        )
        actions = self.staged.scan("actions")
        done = pl.col("outcome").is_null() | pl.col("outcome").is_in(["", "done"])
        seen = (pl.col("kind") == "child_seen") & done
        firsts = actions.group_by("case_id").agg(
            first=pl.col("at").min(), seen=pl.col("at").filter(seen).min()
        )
        out = (
            cases.join(firsts, on="case_id", how="left")
            .join(self._gaps(cases), on="case_id", how="left")
            .select(
                hours=_span(pl.col("first"), pl.col("reported_at"), HOUR_US),
                days=_span(pl.col("seen"), pl.col("reported_at"), DAY_US),
                gap=pl.col("gap"),
            )
            .collect()
        )
        return out["hours"].to_list(), out["days"].to_list(), out["gap"].to_list()

    def _gaps(self, cases: pl.LazyFrame) -> pl.LazyFrame:
        """Each case's longest stretch without a supervisor's review: the marks are the
        report, the reviews within the open period in order, and its end."""
        supervisors = self.staged.scan("staff").filter(pl.col("role").is_in(SUPERVISOR_ROLES))
        reviews = (
            self.staged.scan("notes")
            .filter(pl.col("kind") == "review")
            .join(supervisors.select(author_id="staff_id").unique(), on="author_id")
            .join(cases, on="case_id")
            .filter(pl.col("written_at").is_between(pl.col("reported_at"), pl.col("end")))
            .select("case_id", part=pl.lit(1), at="written_at")
        )
        marks = pl.concat(
            [
                cases.select("case_id", part=pl.lit(0), at="reported_at"),
                reviews,
                cases.select("case_id", part=pl.lit(2), at="end"),
            ]
        ).sort("case_id", "part", "at")
        step = _span(pl.col("at"), pl.col("at").shift(1), DAY_US).over("case_id")
        return marks.with_columns(step=step).group_by("case_id").agg(gap=pl.col("step").max())

    @cached_property
    def episodes(self) -> pl.DataFrame:
        """Every missing episode: its child, return and when an interview was offered."""
        return (
            self.staged.scan("missing_episodes")
            .select(
                "episode_id",
                "child_id",
                "returned_at",
                "return_interview_offered_at",
                "found_with_person_id",
            )
            .collect()
        )

    def adult_links(self) -> pl.DataFrame:
        """Each (adult, child, how) link: found with the child on a missing episode, or a
        suspect or associate in one of the child's cases (``person_id, child_id, how``)."""
        found = self.episodes.lazy().filter(pl.col("found_with_person_id").is_not_null())
        cases = self.staged.scan("cases").select("case_id", "child_id")
        linked = (
            self.staged.scan("case_persons")
            .filter(pl.col("role").is_in(LINK_ROLES))
            .join(cases, on="case_id")
        )
        return (
            pl.concat(
                [
                    found.select(
                        person_id="found_with_person_id",
                        child_id="child_id",
                        how=pl.lit("found with"),
                    ),
                    linked.select("person_id", "child_id", how=pl.lit("case")),
                ]
            )
            .unique()
            .collect()
        )

    def person_ids(self) -> list[str]:
        """Every adult's id the case data names (linked to cases or found with a child)."""
        linked = self.staged.scan("case_persons").select("person_id")
        found = self.episodes.lazy().select(person_id="found_with_person_id")
        ids = pl.concat([linked, found]).drop_nulls().unique().collect()
        return list(ids["person_id"].to_list())

    def note_count(self, case_ids: Collection[str]) -> int:
        """How many notes these cases hold."""
        notes = self.staged.scan("notes").filter(_in("case_id", case_ids))
        return int(notes.select(pl.len()).collect().item())

    def notes_of(self, case_ids: Collection[str]) -> dict[str, list[Note]]:
        """The notes of a few cases, as records, in the order the source gave them."""
        data = CaseData("")
        data.add_frame("notes", self._where("notes", "case_id", case_ids))
        return dict(data.notes)
