"""One merged timeline per child (and per case): reports, actions, notes, reviews,
missing episodes, and each failing finding pinned to the moment it arose.

A finding is pinned to the record it rests on when its evidence names a note,
action or episode; otherwise to the moment the standard was missed (for example
seven days after the report for SEEN), or to the report itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from markupsafe import Markup, escape

from caseguard.report.audit_dir import Finding
from caseguard.report.context import ReportContext
from caseguard.report.data import Case, Episode
from caseguard.report.language import highlight

DAY = dt.timedelta(days=1)
DEADLINES: dict[str, dt.timedelta] = {
    "FIRST_ACTION": DAY,
    "REFERRAL": DAY,
    "STRATEGY": 3 * DAY,
    "SEEN": 7 * DAY,
    "RISK_ASSESSMENT": 7 * DAY,
    "FORENSIC": 7 * DAY,
    "SUPERVISION": 7 * DAY,
    "CCTV": 14 * DAY,
    "SUSPECT_PHONE": 14 * DAY,
    "ABE": 28 * DAY,
    "SUSPECT_ACTION": 28 * DAY,
    "NRM": 28 * DAY,
    "VICTIM_UPDATE": 28 * DAY,
    "DRIFT": 28 * DAY,
}


@dataclass
class Event:
    when: dt.datetime
    kind: str  # css class: report, action, note, review, missing, closed, finding
    case_id: str | None
    title: str
    body: Markup = field(default_factory=Markup)
    findings: list[Finding] = field(default_factory=list)
    record_id: str | None = None


def _case_events(ctx: ReportContext, case: Case) -> list[Event]:
    scrub = ctx.scrubber(case.child_id)
    offence = scrub(case.offence) if case.offence else "offence not recorded"
    events = [
        Event(
            case.reported_at,
            "report",
            case.case_id,
            f"Reported: {case.category.upper()} — {offence}",
        )
    ]
    for a in ctx.data.actions.get(case.case_id, ()):
        outcome = a.outcome or "done"
        title = a.kind.replace("_", " ") + ("" if outcome == "done" else f" ({outcome})")
        if a.person_id:
            title += f" — {ctx.pseudo.adult(a.person_id)}"
        body = escape(scrub(a.detail)) if a.detail else Markup()
        events.append(
            Event(a.at, "action", case.case_id, title, Markup(body), record_id=a.action_id)
        )
    for n in ctx.data.notes.get(case.case_id, ()):
        marks = ctx.marks(case, n.note_id, n.text, n.written_at)
        supervisor = " by a supervisor" if ctx.data.is_supervisor(n.author_id) else ""
        kind = "review" if n.kind == "review" else "note"
        events.append(
            Event(
                n.written_at,
                kind,
                case.case_id,
                f"{n.kind} note{supervisor}",
                highlight(n.text, marks, scrub),
                record_id=n.note_id,
            )
        )
    if case.closed_at is not None:
        events.append(Event(case.closed_at, "closed", case.case_id, "Case closed"))
    return events


def _episode_events(ctx: ReportContext, e: Episode) -> list[Event]:
    grade = (e.risk_grade or "not graded").replace("_", " ")
    title = f"Reported missing (risk: {grade})"
    events = [Event(e.reported_at, "missing", e.case_id, title, record_id=e.episode_id)]
    if e.returned_at is not None:
        found = (
            f" — found with {ctx.pseudo.adult(e.found_with_person_id)}"
            if (e.found_with_person_id)
            else ""
        )
        events.append(Event(e.returned_at, "missing", e.case_id, f"Returned{found}"))
    if e.return_interview_offered_at is not None:
        events.append(
            Event(e.return_interview_offered_at, "missing", e.case_id, "Return interview offered")
        )
    return events


def _pin(
    ctx: ReportContext,
    events: list[Event],
    case: Case | None,
    f: Finding,
    subject_when: dt.datetime,
) -> None:
    f = replace(f, message=ctx.clean(f.message, case.child_id if case else None))
    by_record = {e.record_id: e for e in events if e.record_id}
    for ref in f.evidence:
        if ref in by_record:
            by_record[ref].findings.append(f)
            return
    moment = subject_when + DEADLINES.get(f.rule, dt.timedelta(0))
    if f.rule == "CLOSURE" and case is not None and case.closed_at is not None:
        moment = case.closed_at
    end = (case.closed_at if case is not None else None) or ctx.now
    events.append(
        Event(
            min(moment, max(end, subject_when)),
            "finding",
            case.case_id if case else None,
            f"{f.rule} not met",
            findings=[f],
        )
    )


def case_timeline(ctx: ReportContext, case: Case) -> list[Event]:
    events = _case_events(ctx, case)
    for f in ctx.findings_on("case", case.case_id):
        if f.status == "fail":
            _pin(ctx, events, case, f, case.reported_at)
    return sorted(events, key=lambda e: (e.when, e.kind != "report"))


def child_timeline(ctx: ReportContext, child_id: str) -> list[Event]:
    events: list[Event] = []
    cases = ctx.data.cases_of(child_id)
    for case in cases:
        events.extend(case_timeline(ctx, case))
    for episode in ctx.data.episodes.get(child_id, ()):
        own = _episode_events(ctx, episode)
        for f in ctx.findings_on("episode", episode.episode_id):
            if f.status == "fail":
                _pin(ctx, own, None, f, episode.returned_at or episode.reported_at)
        events.extend(own)
    first = min((e.when for e in events), default=ctx.now)
    for f in ctx.findings_on("child", child_id):
        if f.status == "fail":
            _pin(ctx, events, None, f, first)
    return sorted(events, key=lambda e: (e.when, e.kind != "report"))
