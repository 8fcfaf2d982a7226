"""``export findings``: one row per finding, for managers, as CSV or XLSX.

Each finding is shown with its case, child, team and area. Children and adults are
pseudonymised (and the child's names taken out of the message) unless the caller
asks to identify them; ``team`` and ``status`` narrow the rows.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from caseguard.errors import UsageError
from caseguard.privacy.names import NameIndex, own_names, scrub
from caseguard.privacy.spreadsheet import guard
from caseguard.report.audit_dir import read_audit
from caseguard.report.data import frames_of
from caseguard.report.overrides import Overrides, overrides_for
from caseguard.report.pseudonyms import Pseudonymiser
from caseguard.report.tables import write_xlsx

COLUMNS = (
    "rule",
    "subject_type",
    "subject",
    "case_id",
    "child",
    "team",
    "area",
    "status",
    "severity",
    "message",
    "evidence",
)
EXPORT_FORMATS = ("csv", "xlsx")
_ID = re.compile(r"(?<![\w-])[\w-]*\d[\w-]*(?![\w-])")


@dataclass(frozen=True, slots=True)
class Export:
    path: Path
    rows: int
    overrides: Overrides = field(default_factory=lambda: Overrides(0, None))


def _tables(source: str) -> dict[str, pl.DataFrame]:
    wanted = ("children", "cases", "missing_episodes", "case_persons")
    parts: dict[str, list[pl.DataFrame]] = {t: [] for t in wanted}
    for table, frame in frames_of(source, wanted):
        parts[table].append(frame)
    return {
        t: pl.concat(f, how="diagonal_relaxed") if f else pl.DataFrame() for t, f in parts.items()
    }


def _pseudonymiser(tables: dict[str, pl.DataFrame], key: bytes, identify: bool) -> Pseudonymiser:
    """No two children or adults of the export alike (``Pseudonymiser.for_ids``)."""
    persons = {
        p
        for frame, column in (
            (tables["case_persons"], "person_id"),
            (tables["missing_episodes"], "found_with_person_id"),
        )
        for p in _column(frame, column)
        if p
    }
    children = _column(tables["children"], "child_id") if tables["children"].height else []
    return Pseudonymiser.for_ids(key, children, persons, identify=identify)


class _Hider:
    """Person and child ids to pseudonyms, and each child's names out of text."""

    def __init__(self, tables: dict[str, pl.DataFrame], pseudo: Pseudonymiser) -> None:
        self.pseudo = pseudo
        children = tables["children"]
        self.names = (
            dict(
                zip(children["child_id"].to_list(), _column(children, "display_name"), strict=True)
            )
            if children.height
            else {}
        )
        self.ids = {c: pseudo.child(c) for c in self.names}
        self.index = NameIndex.build((pseudo.child(c), n) for c, n in self.names.items())
        for frame, column in (
            (tables["case_persons"], "person_id"),
            (tables["missing_episodes"], "found_with_person_id"),
        ):
            for person in _column(frame, column):
                if person:
                    self.ids[person] = pseudo.adult(person)

    def text(self, text: str, child_id: str | None) -> str:
        if self.pseudo.identify:
            return text
        text = _ID.sub(lambda m: self.ids.get(m.group(0), m.group(0)), text)
        own = own_names(self.names.get(child_id), self.pseudo.child(child_id)) if child_id else {}
        return scrub(text, self.index, own, strict=True)


def _column(frame: pl.DataFrame, name: str) -> list[Any]:
    return frame[name].to_list() if name in frame.columns else [None] * frame.height


def _places(tables: dict[str, pl.DataFrame]) -> dict[str, dict[str, Any]]:
    """Subject id -> its case, child, team and area (a child: every team of its cases)."""
    cases = tables["cases"]
    out: dict[str, dict[str, Any]] = {}
    by_child: dict[str, list[dict[str, Any]]] = {}
    for row in cases.select("case_id", "child_id", "team", "area").iter_rows(named=True):
        out[row["case_id"]] = row
        by_child.setdefault(row["child_id"], []).append(row)
    for child, rows in by_child.items():
        out[child] = {
            "case_id": "; ".join(r["case_id"] for r in rows),
            "child_id": child,
            "team": "; ".join(sorted({r["team"] or "" for r in rows})),
            "area": "; ".join(sorted({r["area"] or "" for r in rows})),
        }
    episodes = tables["missing_episodes"]
    for ep, child, case in zip(
        _column(episodes, "episode_id"),
        _column(episodes, "child_id"),
        _column(episodes, "case_id"),
        strict=True,
    ):
        base = out.get(case or "") or out.get(child) or {}
        out[ep] = {**base, "child_id": child, "case_id": case or base.get("case_id")}
    return out


def export_findings(
    audit_dir: str | Path,
    out: str | Path,
    *,
    fmt: str = "csv",
    team: str | None = None,
    status: str | None = None,
    key: bytes,
    identify: bool = False,
    data_source: str | Path | None = None,
) -> Export:
    """Write every finding (narrowed by ``team`` and ``status``) to ``out``."""
    if fmt not in EXPORT_FORMATS:
        raise UsageError(f"unknown export format {fmt!r}", hint="choose csv or xlsx")
    audit = read_audit(audit_dir)
    source = data_source or audit.source
    if source is None:
        raise UsageError(
            "the audit does not say which bundle or store it ran on",
            path=str(audit_dir),
            hint="give the case data with --data BUNDLE_OR_DB",
        )
    tables = _tables(str(source))
    hider = _Hider(tables, _pseudonymiser(tables, key, identify))
    places = _places(tables)
    rows = []
    for f in audit.findings:
        if status is not None and f.status != status:
            continue
        place = places.get(f.subject_id, {})
        if team is not None and team not in (place.get("team") or "").split("; "):
            continue
        child = place.get("child_id")
        rows.append(
            {
                "rule": f.rule,
                "subject_type": f.subject_type,
                "subject": hider.text(f.subject_id, None),
                "case_id": place.get("case_id") or "",
                "child": hider.text(child, None) if child else "",
                "team": place.get("team") or "",
                "area": place.get("area") or "",
                "status": f.status,
                "severity": f.severity or "",
                "message": hider.text(f.message, child),
                "evidence": hider.text("; ".join(f.evidence), child),
            }
        )
    path = Path(out)
    if fmt == "xlsx":
        write_xlsx(path, "Findings", COLUMNS, rows)
    else:
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(COLUMNS)
            writer.writerows([guard(str(r[c])) for c in COLUMNS] for r in rows)
    return Export(path, len(rows), overrides_for(source, audit_dir))
