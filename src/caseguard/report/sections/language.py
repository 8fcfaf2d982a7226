"""Victim-blaming language: how much, which entries, and whether supervisors challenged it."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.data import Case, Note
from caseguard.report.language import SCREEN, Mark, highlight
from caseguard.report.sections import Section
from caseguard.report.sections.common import share

EXAMPLES = 6
WINDOW = 90


@dataclass(frozen=True, slots=True)
class Flagged:
    case: Case
    note: Note
    marks: list[Mark]


def flagged_notes(ctx: ReportContext) -> list[Flagged]:
    """Notes with victim-blaming language: from the screen, else from LANGUAGE findings."""
    out: list[Flagged] = []
    evidence = {
        e
        for f in ctx.audit.findings
        if f.rule == "LANGUAGE" and f.status == "fail"
        for e in f.evidence
    }
    for row in ctx.audit.cases:
        case = ctx.data.cases.get(row.case_id)
        if case is None:
            continue
        for note in ctx.data.notes.get(case.case_id, ()):
            marks = ctx.marks(case, note.note_id, note.text, note.written_at)
            if marks or (SCREEN is None and note.note_id in evidence):
                out.append(Flagged(case, note, marks))
    return out


def _challenged(ctx: ReportContext, case_ids: set[str]) -> dict[str, Any] | None:
    results = [
        f
        for f in ctx.audit.findings
        if f.rule == "LANGUAGE_CHALLENGED"
        and f.subject_id in case_ids
        and f.status in ("pass", "fail")
    ]
    if not results:
        return None
    return share(sum(f.status == "pass" for f in results), len(results))


def _excerpt(ctx: ReportContext, item: Flagged) -> Markup:
    text = item.note.text
    scrub = ctx.scrubber(item.case.child_id)
    if not item.marks:
        return highlight(text[: WINDOW * 2] + ("…" if len(text) > WINDOW * 2 else ""), [], scrub)
    first = item.marks[0]
    start = max(0, first.start - WINDOW)
    end = min(len(text), first.end + WINDOW)
    marks = [
        Mark(m.start - start, m.end - start, m.entry_id, m.message, m.better)
        for m in item.marks
        if m.start >= start and m.end <= end
    ]
    body = highlight(text[start:end], marks, scrub)
    return Markup(("…" if start else "") + body + ("…" if end < len(text) else ""))


def build(ctx: ReportContext) -> Section:
    flagged = flagged_notes(ctx)
    n_cases = len(ctx.audit.cases)
    n_notes = sum(len(ctx.data.notes.get(c.case_id, ())) for c in ctx.audit.cases)
    case_ids = {f.case.case_id for f in flagged}
    entries = Counter(m.entry_id for f in flagged for m in f.marks)
    top = [{"entry": e, "count": c} for e, c in entries.most_common(10)]
    examples = [
        {
            "case_id": f.case.case_id,
            "child": ctx.child_label(f.case.child_id),
            "kind": f.note.kind,
            "excerpt": _excerpt(ctx, f),
        }
        for f in flagged[:EXAMPLES]
    ]
    return Section(
        "language",
        "Victim-blaming language",
        "language.html",
        {
            "screened": SCREEN is not None,
            "notes": share(len(flagged), n_notes),
            "cases": share(len(case_ids), n_cases),
            "top": top,
            "chart": charts.to_svg(charts.count_bars(top, "entry", "notes")) if top else "",
            "challenged": _challenged(ctx, case_ids),
            "examples": examples,
        },
    )
