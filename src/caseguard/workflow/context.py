"""What a supervisor needs beside one queue item: the case's notes with the words
highlighted, the child's age at the time, why the words harm and the better wording;
or the rule, its evidence and how to fix it. Names are shown only where the caller's
scope identifies children (a supervisor of the team); otherwise pseudonyms.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from markupsafe import Markup

from caseguard.report.context import ReportContext
from caseguard.report.data import Case, Note
from caseguard.report.language import highlight
from caseguard.report.pseudonyms import age_band
from caseguard.standards.registry import all_rules
from caseguard.store.tables import BUNDLE_TABLES
from caseguard.workflow.queue import CHALLENGE_RULE, QueueItem
from caseguard.workflow.records import LANGUAGE_RULES
from caseguard.workspace.labels import store_pseudonymiser
from caseguard.workspace.records import child_data, context, run_audit_for
from caseguard.workspace.scope import Scope

CASES = BUNDLE_TABLES["cases"]


@dataclass(frozen=True, slots=True)
class NoteView:
    note_id: str
    kind: str
    written_at: str
    age: str
    body: Markup
    harms: tuple[str, ...]  # why the words harm, one per marked stretch
    better: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ItemContext:
    title: str
    checks: str
    why: str
    fix: str
    message: str
    evidence: tuple[str, ...]
    child: str
    notes: tuple[NoteView, ...]
    challenge_text: str  # a prefilled challenge, for victim-blaming items

    @property
    def language(self) -> bool:
        return bool(self.challenge_text)


def challenge_text(note_ids: list[str], better: list[str]) -> str:
    """A challenge that names no words (so the review note is itself clean)."""
    where = ", ".join(note_ids) if note_ids else "this case"
    text = (
        f"Supervisory review: the language recorded in note {where} is inappropriate. "
        "The child is a victim of exploitation and must be described as one; record "
        "what was done to the child, not choices or behaviour attributed to them."
    )
    if better:
        text += " Better wording: " + "; ".join(dict.fromkeys(better)) + "."
    return text


def _notes(
    ctx: ReportContext, notes: list[Note], case: Case, item: QueueItem, identify: bool
) -> list[NoteView]:
    """The case's notes the finding points to or the screen marks, words highlighted."""
    out = []
    wanted = set(item.evidence)
    for note in notes:
        marks = ctx.marks(case, note.note_id, note.text, note.written_at)
        if note.note_id not in wanted and not marks:
            continue
        out.append(
            NoteView(
                note.note_id if identify else "",
                note.kind,
                note.written_at.strftime("%-d %b %Y"),
                age_band(ctx.age_at(case.child_id, note.written_at)),
                highlight(note.text, marks, ctx.scrubber(case.child_id)),
                tuple(m.message for m in marks),
                tuple(m.better for m in marks if m.better),
            )
        )
    return out


def item_context(engine: sa.Engine, scope: Scope, key: bytes, item: QueueItem) -> ItemContext:
    rule = all_rules().get(item.rule)
    notes: list[NoteView] = []
    child = ""
    message = item.message if scope.identify else ""
    with engine.connect() as conn:
        row = conn.execute(
            sa.select(CASES.c.child_id).where(CASES.c.case_id == item.case_id)
        ).first()
        data = child_data(conn, str(row[0]), scope.teams) if row else None
        audit = run_audit_for(conn, None, data) if data else None
    if data is not None and audit is not None and row is not None:
        pseudo = store_pseudonymiser(engine, key, identify=scope.identify)
        ctx = context(data, audit, pseudo, None)
        child = ctx.child_label(str(row[0]))
        message = ctx.clean(item.message, str(row[0]))
        case = data.cases.get(item.case_id)
        if case is not None and item.rule in LANGUAGE_RULES:
            notes = _notes(ctx, data.notes.get(item.case_id, []), case, item, scope.identify)
    language = item.rule == CHALLENGE_RULE
    ids = [n.note_id for n in notes if n.note_id and n.harms]
    better = [b for n in notes for b in n.better]
    return ItemContext(
        rule.title if rule else item.rule,
        rule.checks if rule else "",
        rule.why if rule else "",
        rule.fix if rule else "",
        message,
        item.evidence if scope.identify else (),
        child,
        tuple(notes),
        challenge_text(ids, better) if language else "",
    )
