"""Victim-blaming language: how much, which entries, and whether supervisors challenged it."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

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
    checked: list[str] = []
    flagged: dict[str, list[str]] = {}
    wordings: Counter[str] = Counter()
    passed = judged = 0
    for f in ctx.audit.findings_where(rules=("LANGUAGE", "LANGUAGE_CHALLENGED")):
        if f.status not in ("pass", "fail"):
            continue
        if f.rule == "LANGUAGE_CHALLENGED":
            judged += 1
            passed += f.status == "pass"
            continue
        checked.append(f.subject_id)
        if f.status == "fail":
            flagged[f.subject_id] = [e for e in f.evidence if e != f.subject_id]
            case = ctx.data.cases.get(f.subject_id)
            message = ctx.clean(f.message, case.child_id if case else None)  # names out
            wordings.update(set(_WORDS.findall(message.partition(": ")[2])))
    return LanguageFindings(checked, flagged, (passed, judged), wordings)


def flagged_notes(ctx: ReportContext, found: LanguageFindings, limit: int) -> list[Flagged]:
    """The first ``limit`` notes the audit found victim-blaming language in, marked by the
    screen (only these are screened again, to mark the words)."""
    out: list[Flagged] = []
    for case_id in sorted(found.flagged):
        case = ctx.data.cases.get(case_id)
        if case is None:
            continue
        wanted = set(found.flagged[case_id])
        for note in ctx.data.notes.get(case_id, ()):
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
    n_notes = sum(len(ctx.data.notes.get(c, ())) for c in found.checked)
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
