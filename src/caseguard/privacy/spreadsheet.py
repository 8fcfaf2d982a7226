"""Cells a spreadsheet would run: every CSV caseguard writes is guarded here.

A spreadsheet opening a CSV reads a cell that starts with ``=``, ``+``, ``-`` or ``@``
(or with a tab or carriage return before one) as a formula, and a formula can
fetch URLs or run commands (OWASP, "CSV Injection"). A case id or a team name comes
from a force's export, so an attacker can choose it. Following OWASP's advice, such a
cell is written with a single quote in front (``'=HYPERLINK(…)``), which a
spreadsheet shows as text; the rest of the cell is left as it is, so ids stay
readable.

Two choices, both for readable data that still reads back exactly:

* a plain number with a sign (``-3``, ``+4.5``) is left as it is: a spreadsheet
  reads it as the number it is, and runs nothing;
* a cell that already starts with a single quote is guarded too (``''x``), so that
  ``unguard`` can take exactly one guard away and every value reads back as written.

``guard`` and ``guard_expr`` (for Polars frames) apply the same rule; ``unguard`` is
its inverse, used wherever caseguard reads a CSV it wrote (``cases.csv``).
"""

from __future__ import annotations

import re

import polars as pl

GUARD = "'"
TRIGGERS = "=+-@\t\r"
_STARTS = f"^[{re.escape(GUARD + TRIGGERS)}]"
_SIGNED_NUMBER = r"[+-][0-9]+(\.[0-9]+)?"  # the whole cell (Rust's ``$`` is the text's end)
_STARTS_RE = re.compile(_STARTS)
_SIGNED_NUMBER_RE = re.compile(_SIGNED_NUMBER)


def needs_guard(cell: str) -> bool:
    """Whether a spreadsheet could take the cell for a formula (or it starts with ``'``)."""
    return bool(_STARTS_RE.match(cell)) and not _SIGNED_NUMBER_RE.fullmatch(cell)


def guard(cell: str) -> str:
    """The cell as written to a CSV: a single quote in front when ``needs_guard``."""
    return GUARD + cell if needs_guard(cell) else cell


def unguard(cell: str) -> str:
    """The value a guarded cell was made from (``unguard(guard(x)) == x`` for every x)."""
    if cell.startswith(GUARD) and needs_guard(cell[1:]):
        return cell[1:]
    return cell


def guard_expr(column: pl.Expr) -> pl.Expr:
    """``guard`` for a Polars string column."""
    needs = column.str.contains(_STARTS) & ~column.str.contains(f"^{_SIGNED_NUMBER}$")
    return pl.when(needs).then(pl.lit(GUARD) + column).otherwise(column)


def unguard_expr(column: pl.Expr) -> pl.Expr:
    """``unguard`` for a Polars string column."""
    rest = column.str.slice(1)
    guarded = rest.str.contains(_STARTS) & ~rest.str.contains(f"^{_SIGNED_NUMBER}$")
    return pl.when(column.str.starts_with(GUARD) & guarded).then(rest).otherwise(column)


def guard_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column of a frame guarded, ready for ``write_csv``."""
    text = [name for name, dtype in frame.schema.items() if dtype == pl.String]
    if not text:
        return frame
    return frame.with_columns(guard_expr(pl.col(name)).alias(name) for name in text)
