"""Render ``docs/language.md`` from the lexicon, so the catalogue cannot drift from the data."""

from __future__ import annotations

from caseguard.language.lexicon import Entry, Lexicon, load_lexicon

INTRO = """\
# Language screen: victim-blaming language about children

*Generated from `src/caseguard/language/lexicon.yaml` by
`caseguard.language.docs.render_markdown()`; a test fails when this file drifts.*

`caseguard screen` flags wording in case notes that blames a child for their own abuse or
exploitation, implies consent or choice, adopts the exploiters' language, normalises missing
episodes, discredits the child or dissuades a complaint, and suggests wording that describes
what the adult did and keeps the risk visible. Suggestions fit the child's age: "raped" for
"sexually active" is offered only for a child under 13 (with an unknown age it says so). Every
output format names the note id and, where known, the case id.

Each hit is judged in its sentence before it becomes a finding; the finding (or the recorded
non-finding) says why, in words:

- **age**: child-only terms (sex work, sexually active, boyfriend, relationship, age gap) are
  findings only when the child was under 18 when the note was written; an unknown age counts
  as a child.
- **negation**: "there is no suggestion she chose this" is not a finding; nor is a view the
  writer rejects ("agencies wrongly assumed ...").
- **someone else's words**: quotation marks, or words attributed to the suspect, a parent or the
  child ("the suspect described her as his girlfriend"), are recorded, not flagged, unless the
  writer adopts them. So are views reported without quotation marks ("children were said to
  be ...", "they spoke of ...", "officers perceived the girls as ...", "professionals view ...
  as ...", "she was labelled ..."), unless the view is the writer's own ("I view her as ...");
  and what a child is groomed into believing ("into believing they are in a relationship").
  Colleagues writing in the record (officers, staff, professionals) speak for the record.
- **rejected after the words**: "..., which the inquiry criticised", "...; this is incorrect".
- **general and concessive statements**: "even if the activity appears consensual", "exploited
  children may appear to go willingly" are about children in general, not this child.
- **challenge and guidance**: words named to challenge them ("the phrase 'placing herself at
  risk' is victim-blaming", "it is wrong to describe her as ...") or guidance about language are
  recorded as *challenges*.
- **subject**: words about an adult (the suspect's girlfriend, an adult witness who is a sex
  worker) are not about the child; a person inside a phrase ("the sex with the men") is not the
  subject.
- **ordinary senses and terms**: each entry lists the ordinary or legal senses it must not flag
  ("working on a line of enquiry", "sexual activity with a child" as the offence), and whole
  terms are never the phrase inside them ("child criminal exploitation" is not "child
  criminal").

Dissuading a complaint (VB-DISSUADING-COMPLAINT) is its own category: wording that records
discouraging a child or family from reporting, giving a statement or supporting a prosecution.
Recording the child's own informed wish, after support was offered, is not flagged.

Recording a risk grade ("risk assessed as high") and calling the child the victim are correct
practice and never flagged. Advisory entries are off unless `--advisory` is given.

## Accuracy

Each set is reported on its own (`caseguard language-eval SET.csv ...`, columns
`note_id,child_age,label,text`); "before" is the screen at commit `af6e3c9`, before the real-text
work.

Files are in `tests/language/`.

| set | notes | before: P / R | now: P / R / F1 |
|---|---|---|---|
| synthetic development (`devset.csv`) | 335 | 1.000 / 1.000 | 1.000 / 1.000 / 1.000 |
| synthetic held-out (`heldout.csv`) | 79 | 1.000 / 1.000 | 1.000 / 1.000 / 1.000 |
| real-text development (`realtext.csv`), tuned on | 378 | 0.705 / 0.423 | 1.000 / 1.000 / 1.000 |
| real-text checks (`realtext_heldout.csv`) | 292 | 0.842 / 0.386 | 1.000 / 0.994 / 0.997 |

The real-text sets are record-style sentences written around short phrases quoted in
published inquiries, serious case reviews, inspection reports and language guides (Rochdale,
Rotherham, Oxfordshire, Derby, Telford, IICSA, the 2024 HMICFRS inspection, the Children's
Society and Cardiff guidance and others); every row names its source (title and address). No
real names are used. The checks file was written in four batches *after* the rules were
tuned, each scored once before any change, and its misses then fixed with family-level
patterns: first runs were P 0.961 / R 0.891 (93 notes), P 0.962 / R 0.556 (84),
P 0.944 / R 0.405 (73) and P 1.000 / R 0.375 (42). Those first runs are the honest estimate
for text nobody here has seen: precision holds (0.94 to 1.00), but recall on new wordings of
the same families is well below the figures on sets the rules were fixed on. Still missed on
purpose-built checks: a child's clause after a relative clause about adults ("decisions that
adults would not make and is aware of the consequences" is read as about the adults).
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
    if lexicon.source_keys:
        parts.append("## Sources\n")
        parts.extend(f"- **{key}**: {text}" for key, text in lexicon.source_keys)
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
