"""Write findings as text (like a linter), JSON Lines or one JSON array."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any

from caseguard.language.records import Finding, Screening
from caseguard.language.screen import Note

FORMATS = ("text", "jsonl", "json")
FLUSH_EVERY = 256  # lines buffered before one write


def finding_dict(note: Note, finding: Finding) -> dict[str, Any]:
    data = finding.as_dict()
    data["case_id"] = note.case_id
    data["file"] = note.source
    data["line"] = note.line
    return data


def text_line(note: Note, finding: Finding) -> str:
    """``file:line:column  [case C1 ]note N1  RULE  'words': why  →  better``.

    The note id is left out only where it is the file and line already shown (a text file).
    """
    column = finding.start - note.text.rfind("\n", 0, finding.start)
    where = f"{note.source}:{note.line}:{column}" if note.source else f"{note.note_id}:{column}"
    ids = ""
    if note.note_id is not None and note.source and note.note_id != _line_id(note):
        ids = f"note {note.note_id}  "
    if note.case_id is not None:
        ids = f"case {note.case_id}  {ids}"
    message = finding.message.split(". ")[0].rstrip(".")
    suggestion = finding.suggestion or "describe what the adult did"
    return f"{where}  {ids}{finding.entry_id}  '{finding.match}': {message}  →  {suggestion}"


def _line_id(note: Note) -> str:
    """The id a text file's note gets: its file name and line."""
    name = (note.source or "").replace("\\", "/").rsplit("/", 1)[-1]
    return f"{name}:{note.line}"


def write_findings(results: Iterable[tuple[Note, Screening]], fmt: str, out: IO[str]) -> int:
    """Write every finding in ``fmt``; the number of findings written."""
    count = 0
    buffer: list[str] = []
    if fmt == "json":
        out.write("[")
    for note, screening in results:
        for finding in screening.findings:
            buffer.append(_render(note, finding, fmt, first=count == 0))
            count += 1
        if len(buffer) >= FLUSH_EVERY:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))
    if fmt == "json":
        out.write("]\n" if count == 0 else "\n]\n")
    return count


def _render(note: Note, finding: Finding, fmt: str, *, first: bool) -> str:
    if fmt == "text":
        return text_line(note, finding) + "\n"
    line = json.dumps(finding_dict(note, finding), ensure_ascii=False)
    if fmt == "jsonl":
        return line + "\n"
    return ("\n" if first else ",\n") + line
