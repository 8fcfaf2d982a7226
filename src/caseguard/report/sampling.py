"""Reproducible random samples of cases for manual review.

Cases are grouped into strata (for example by category and area); each stratum
gets a share of the sample in proportion to its size (largest remainders), and
at least one case where the sample is big enough to give every stratum one.
The same seed always draws the same cases.
"""

from __future__ import annotations

import csv
import io
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from caseguard.errors import UsageError
from caseguard.privacy.spreadsheet import guard
from caseguard.report.data import CaseData

STRATA_FIELDS = ("category", "area", "team", "status", "grade")


@dataclass(frozen=True, slots=True)
class Unit:
    """One case to sample from, with what it can be stratified by."""

    case_id: str
    category: str | None = None
    area: str | None = None
    team: str | None = None
    status: str | None = None
    grade: str | None = None


@dataclass(frozen=True, slots=True)
class Sample:
    drawn: list[Drawn]
    notes: list[str]  # what the user should know: fewer cases than asked, empty strata


@dataclass(frozen=True, slots=True)
class Drawn:
    case_id: str
    stratum: str
    stratum_size: int
    stratum_sample: int


def allocate(sizes: dict[str, int], total: int) -> dict[str, int]:
    """Proportional allocation with at least one per stratum where ``total`` allows."""
    population = sum(sizes.values())
    total = min(total, population)
    keys = sorted(sizes)
    floor = {k: 1 if total >= len(keys) and sizes[k] else 0 for k in keys}
    rest = total - sum(floor.values())
    spare = {k: sizes[k] - floor[k] for k in keys}
    pool = sum(spare.values())
    exact = {k: rest * spare[k] / pool if pool else 0.0 for k in keys}
    share = {k: floor[k] + int(exact[k]) for k in keys}
    left = total - sum(share.values())
    by_remainder = sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))
    for k in by_remainder:
        if left == 0:
            break
        if share[k] < sizes[k]:
            share[k] += 1
            left -= 1
    return share


def _stratum(unit: Unit, fields: Sequence[str]) -> str:
    return " / ".join(str(getattr(unit, f) or "not known") for f in fields) or "all cases"


def units_of(data: CaseData, grades: dict[str, str] | None = None) -> list[Unit]:
    """The cases of a bundle or store (with their audit grades, when known)."""
    grades = grades or {}
    return [
        Unit(c.case_id, c.category, c.area, c.team, c.status, grades.get(c.case_id))
        for c in data.cases.values()
    ]


def draw_sample(
    units: list[Unit] | CaseData, size: int, *, stratify: Sequence[str] = (), seed: int = 1
) -> Sample:
    """Draw ``size`` cases (all of them if fewer), stratified by ``stratify``."""
    if isinstance(units, CaseData):
        units = units_of(units)
    if size < 1:
        raise UsageError("the sample size must be at least 1")
    unknown = [f for f in stratify if f not in STRATA_FIELDS]
    if unknown:
        raise UsageError(
            f"cannot stratify by {', '.join(unknown)}",
            hint=f"choose from {', '.join(STRATA_FIELDS)}",
        )
    if "grade" in stratify and any(u.grade is None for u in units):
        raise UsageError(
            "cannot stratify by grade: the cases have no grades",
            hint="sample from an audit folder (what caseguard audit wrote) to use grades",
        )
    groups: dict[str, list[str]] = defaultdict(list)
    for unit in sorted(units, key=lambda u: u.case_id):
        groups[_stratum(unit, stratify)].append(unit.case_id)
    shares = allocate({k: len(v) for k, v in groups.items()}, size)
    rng = random.Random(seed)
    drawn: list[Drawn] = []
    for key in sorted(groups):
        chosen = rng.sample(groups[key], shares[key])
        drawn.extend(Drawn(c, key, len(groups[key]), shares[key]) for c in sorted(chosen))
    return Sample(drawn, _notes(size, len(units), groups, shares))


def _notes(
    size: int, population: int, groups: dict[str, list[str]], shares: dict[str, int]
) -> list[str]:
    notes = []
    if size > population:
        notes.append(
            f"the sample size {size:,} is larger than the {population:,} cases to draw from: "
            f"all {population:,} were drawn"
        )
    empty = sorted(k for k in groups if shares[k] == 0)
    if empty:
        shown = ", ".join(f"{k} ({len(groups[k]):,} cases)" for k in empty[:10])
        more = f" and {len(empty) - 10:,} more" if len(empty) > 10 else ""
        notes.append(
            f"{len(empty):,} of {len(groups):,} strata got no case (a sample of {size:,} is too "
            f"small to give each one): {shown}{more}"
        )
    return notes


def write_sample(drawn: list[Drawn], path: Path | None) -> str:
    """The sample as CSV text (also written to ``path`` when given).

    Cells a spreadsheet could run as a formula are guarded (``privacy.spreadsheet``).
    """
    rows = [["case_id", "stratum", "stratum_size", "stratum_sample"]]
    rows += [
        [guard(d.case_id), guard(d.stratum), str(d.stratum_size), str(d.stratum_sample)]
        for d in drawn
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)  # RFC 4180 line ends, so a lone CR in a cell is quoted
    text = buffer.getvalue()
    if path is not None:
        path.write_text(text, encoding="utf-8", newline="")
    return text
