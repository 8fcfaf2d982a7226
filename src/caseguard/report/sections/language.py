"""Victim-blaming language: how much, which entries, and whether supervisors challenged it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

import polars as pl
from markupsafe import Markup

from caseguard.report import charts
from caseguard.report.context import ReportContext
from caseguard.report.data import Case, Note
from caseguard.report.language import Mark, highlight
from caseguard.report.sections import Section
from caseguard.report.sections.common import share

EXAMPLES = 6
_WORDS = re.compile(r"'(.+?)'(?=, '|$)")
WINDOW = 90


@dataclass(frozen=True, slots=True)
class Flagged:
    case: Case
    note: Note
    marks: list[Mark]


@dataclass(frozen=True, slots=True)
class LanguageFindings:
    """What the audit's LANGUAGE and LANGUAGE_CHALLENGED findings say."""

    checked: list[str]  # cases LANGUAGE was checked on (pass or fail)
    flagged: dict[str, list[str]]  # failing case -> the notes with the language
    challenged: tuple[int, int]  # (passed, checked) of LANGUAGE_CHALLENGED
    wordings: Counter[str]  # cases each wording was found in (from the findings' messages)


def language_findings(ctx: ReportContext) -> LanguageFindings:
    found = ctx.audit.findings_frame(rules=("LANGUAGE", "LANGUAGE_CHALLENGED"))
    found = found.filter(pl.col("status").is_in(("pass", "fail")))
    judged = found.filter(pl.col("rule") == "LANGUAGE_CHALLENGED")
    passed = judged.filter(pl.col("status") == "pass").height
    screened = found.filter(pl.col("rule") == "LANGUAGE")
    failed = screened.filter(pl.col("status") == "fail")
    flagged = {
        case: [e for e in evidence or () if e != case]
        for case, evidence in failed.select("subject_id", "evidence").iter_rows()
    }
    quoted = [_WORDS.findall((m or "").partition(": ")[2]) for m in failed["message"].to_list()]
    return LanguageFindings(
        screened["subject_id"].to_list(),
        flagged,
        (passed, judged.height),
        _wordings(ctx, quoted),
    )


def _wordings(ctx: ReportContext, quoted: list[list[str]]) -> Counter[str]:
    """Cases each wording was found in, every wording with names and ids taken out (each
    distinct wording cleaned once, not each finding's message)."""
    cleaned = {w: ctx.clean(w) for w in {w for words in quoted for w in words}}
    wordings: Counter[str] = Counter()
    for words in quoted:
        wordings.update({cleaned[w] for w in words})
    return wordings


def flagged_notes(ctx: ReportContext, found: LanguageFindings, limit: int) -> list[Flagged]:
    """The first ``limit`` notes the audit found victim-blaming language in, marked by the
    screen (only these are screened again, to mark the words)."""
    out: list[Flagged] = []
    first = sorted(c for c in found.flagged if c in ctx.data.cases)[:limit]
    notes = ctx.whole.notes_of(first) if first else {}
    for case_id in first:
        case = ctx.data.cases[case_id]
        wanted = set(found.flagged[case_id])
        for note in notes.get(case_id, ()):
            if note.note_id in wanted and len(out) < limit:
                marks = ctx.marks(case, note.note_id, note.text, note.written_at)
                out.append(Flagged(case, note, marks))
        if len(out) >= limit:
            break
    return out


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
    found = language_findings(ctx)
    flagged = flagged_notes(ctx, found, EXAMPLES)
    n_notes = ctx.whole.note_count(found.checked) if found.checked else 0
    top = [
        {"entry": w, "count": c}
        for w, c in sorted(found.wordings.items(), key=lambda wc: (-wc[1], wc[0]))[:10]
    ]
    examples = [
        {
            "case_id": f.case.case_id,
            "child": ctx.child_label(f.case.child_id),
            "kind": f.note.kind,
            "excerpt": _excerpt(ctx, f),
            "has_page": f.case.case_id in ctx.paged_cases,
        }
        for f in flagged
    ]
    passed, judged = found.challenged
    return Section(
        "language",
        "Victim-blaming language",
        "language.html",
        {
            "screened": bool(found.checked),
            "notes": share(sum(len(v) for v in found.flagged.values()), n_notes),
            "cases": share(len(found.flagged), len(found.checked)),
            "top": top,
            "chart": charts.to_svg(charts.count_bars(top, "entry", "cases")) if top else "",
            "challenged": share(passed, judged) if judged else None,
            "examples": examples,
        },
    )
