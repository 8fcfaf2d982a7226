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
from caseguard.report.data import Case, CaseData

STRATA_FIELDS = ("category", "area", "team", "status")


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


def _stratum(case: Case, fields: Sequence[str]) -> str:
    return " / ".join(str(getattr(case, f) or "not known") for f in fields) or "all cases"


def draw_sample(
    data: CaseData, size: int, *, stratify: Sequence[str] = (), seed: int = 1
) -> list[Drawn]:
    """Draw ``size`` cases (all of them if fewer), stratified by ``stratify``."""
    if size < 1:
        raise UsageError("the sample size must be at least 1")
    unknown = [f for f in stratify if f not in STRATA_FIELDS]
    if unknown:
        raise UsageError(
            f"cannot stratify by {', '.join(unknown)}",
            hint=f"choose from {', '.join(STRATA_FIELDS)}",
        )
    groups: dict[str, list[str]] = defaultdict(list)
    for case in sorted(data.cases.values(), key=lambda c: c.case_id):
        groups[_stratum(case, stratify)].append(case.case_id)
    shares = allocate({k: len(v) for k, v in groups.items()}, size)
    rng = random.Random(seed)
    drawn: list[Drawn] = []
    for key in sorted(groups):
        chosen = rng.sample(groups[key], shares[key])
        drawn.extend(Drawn(c, key, len(groups[key]), shares[key]) for c in sorted(chosen))
    return drawn


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
