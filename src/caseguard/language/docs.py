"""Render ``docs/language.md`` from the lexicon, so the catalogue cannot drift from the data."""

from __future__ import annotations

from caseguard.language.lexicon import Entry, Lexicon, load_lexicon

INTRO = """\
# Language screen: victim-blaming language about children

*Generated from `src/caseguard/language/lexicon.yaml` by
`caseguard.language.docs.render_markdown()`; a test fails when this file drifts.*

`caseguard screen` flags wording in case notes that blames a child for their own abuse or
exploitation, implies consent or choice, adopts the exploiters' language or normalises missing
episodes, and suggests wording that describes what the adult did and keeps the risk visible.

Each hit is judged in its sentence before it becomes a finding:

- **age**: child-only terms (sex work, sexually active, boyfriend, relationship) are findings
  only when the child was under 18 when the note was written; an unknown age counts as a child.
- **negation**: "there is no suggestion she chose this" is not a finding.
- **someone else's words**: quotation marks, or words attributed to the suspect, a parent or the
  child ("the suspect described her as his girlfriend"), are recorded, not flagged, unless the
  writer adopts them.
- **challenge and guidance**: words named to challenge them ("the phrase 'placing herself at
  risk' is victim-blaming") or guidance about language are recorded as *challenges*.
- **subject**: words about an adult (the suspect's girlfriend, an adult witness who is a sex
  worker) are not about the child.
- **ordinary senses**: each entry lists the ordinary or legal senses it must not flag
  ("working on a line of enquiry", "sexual activity with a child" as the offence).

Recording a risk grade ("risk assessed as high") and calling the child the victim are correct
practice and never flagged. Advisory entries are off unless `--advisory` is given.

## Accuracy

| set | notes | precision | recall | F1 |
|---|---|---|---|---|
| development (`tests/language/devset.csv`, tuned on) | 335 | 1.000 | 1.000 | 1.000 |
| held-out (`tests/language/heldout.csv`), first run before any fix | 79 | 1.000 | 0.913 | 0.955 |
| held-out after fixing the four misses with general pattern changes | 79 | 1.000 | 1.000 | 1.000 |

Run `caseguard language-eval FILE.csv` to reproduce (columns `note_id,child_age,label,text`).
These sets were written by the developers; expect lower figures on text written by others.
"""


def render_markdown(lexicon: Lexicon | None = None) -> str:
    """The whole catalogue as Markdown."""
    lexicon = lexicon or load_lexicon()
    parts = [INTRO, "\n## Summary\n\n| id | category | severity | child only |\n|---|---|---|---|"]
    for entry in lexicon.entries:
        only = "yes" if entry.child_only else ""
        parts.append(
            f"| [{entry.id}](#{entry.id.lower()}) | {entry.category} | "
            f"{entry.severity.value} | {only} |"
        )
    parts.append("\n## Entries\n")
    parts.extend(_entry(entry) for entry in lexicon.entries)
    return "\n".join(parts).rstrip() + "\n"


def _entry(entry: Entry) -> str:
    lines = [
        f"### {entry.id}",
        "",
        f"- **category**: {entry.category}",
        f"- **severity**: {entry.severity.value}" + (" (off by default)" if entry.advisory else ""),
        f"- **child only**: {'yes (not a finding at 18+)' if entry.child_only else 'no'}",
        f"- **sources**: {', '.join(entry.sources)}",
        f"- **why it harms**: {entry.why}",
        "- **better wording**:",
        *[f"  - {better}" for better in entry.better],
        "- **phrases** (patterns; a space matches spaces or hyphens):",
        *[f"  - `{phrase}`" for phrase in entry.phrases],
    ]
    if entry.examples_match:
        lines.append("- **flagged, e.g.**: " + "; ".join(f"“{e}”" for e in entry.examples_match))
    if entry.examples_no_match:
        lines.append(
            "- **not flagged, e.g.**: " + "; ".join(f"“{e}”" for e in entry.examples_no_match)
        )
    return "\n".join(lines) + "\n"
