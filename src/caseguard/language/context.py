"""The context stage: decide, for one hit, whether it is the writer's own language about the child.

Each check looks only at the sentence around the hit and explains its decision in words that
end up in the finding (or in the recorded non-finding).

Public surface for other detectors over the same text (the written-sign detector in
``caseguard.language.signs``): ``Around`` and ``NoteText`` (the hit and its note), and the
checks ``ordinary_sense``, ``challenged``, ``negated`` and ``attributed``, each returning
the reason the hit is *not* the writer's own words, or None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from caseguard.language import cues
from caseguard.language.lexicon import Entry
from caseguard.language.records import Decision
from caseguard.language.sentences import sentence_bounds

_EXCEPTIONS: dict[str, re.Pattern[str]] = {}
# A verdict depends only on the entry, the sentence, where the hit lies in it, the age, and
# whether the hit is inside quotation marks: notes repeat sentences, so recent verdicts are kept.
VERDICTS = 4096  # at most this many kept (a sentence is at most about 1,200 characters); 0: none
_VerdictKey = tuple[Entry, str, int, int, str, bool]
_verdicts: dict[_VerdictKey, Verdict] = {}


@dataclass(frozen=True, slots=True)
class Verdict:
    decision: Decision
    reasons: tuple[str, ...]


@dataclass
class NoteText:
    """One note's text, with the quoted spans worked out once (only for notes with hits)."""

    text: str
    _quotes: list[tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def quotes(self) -> list[tuple[int, int]]:
        if self._quotes is None:
            text = self.text
            found = _may_quote(text)
            self._quotes = [m.span() for m in cues.QUOTE.finditer(text)] if found else []
        return self._quotes


def _may_quote(text: str) -> bool:
    """Whether ``cues.QUOTE`` can match: an opening mark, or a ``'`` not after a word character."""
    if any(mark in text for mark in cues.OPENING_MARKS):
        return True
    at = text.find("'")
    while at >= 0:
        before = text[at - 1] if at else " "
        if not (before.isalnum() or before in "_'"):
            return True
        at = text.find("'", at + 1)
    return False


@dataclass(frozen=True, slots=True)
class Around:
    """The sentence around a hit, cut into the parts the checks read."""

    before: str
    match: str
    after: str
    sentence: str
    offset: int  # where the hit starts inside the sentence


def judge(entry: Entry, note: NoteText, start: int, end: int, child_age: float | None) -> Verdict:
    """The decision for one hit, with every reason that led to it."""
    age_reason = _age_reason(entry, child_age)
    if age_reason is None:
        return Verdict(Decision.ADULT_AGE, (_adult_age(child_age),))
    head, stop = sentence_bounds(note.text, start, end)
    in_quotes = _quoted(note, start, end)
    sentence = note.text[head:stop]
    key = (entry, sentence, start - head, end - start, age_reason, in_quotes is not None)
    verdict = _verdicts.get(key) if VERDICTS else None
    if verdict is None:
        offset = start - head
        around = Around(
            sentence[:offset],
            sentence[offset : offset + end - start],
            sentence[offset + end - start :],
            sentence,
            offset,
        )
        verdict = _judge(entry, around, in_quotes, age_reason)
        if len(_verdicts) >= VERDICTS:
            _verdicts.clear()
        if VERDICTS:
            _verdicts[key] = verdict
    return verdict


def _judge(entry: Entry, around: Around, in_quotes: str | None, age_reason: str) -> Verdict:
    """The decision for one hit the age lets through (``judge`` keeps recent ones)."""
    for decision, check in _CHECKS:
        reason = check(entry, around)
        if reason is not None:
            return Verdict(decision, (reason,))
    if in_quotes is not None:
        judged = cues.LANGUAGE_JUDGEMENT.search(around.after)
        if judged is not None:
            reason = f"the quoted words are judged as language ('{judged.group(0).strip()}')"
            return Verdict(Decision.CHALLENGED, (reason,))
    quoted = in_quotes or attributed(around)
    if quoted is not None:
        adopted = cues.ADOPTION.search(around.sentence)
        if adopted is None:
            return Verdict(Decision.QUOTED, (quoted,))
        return Verdict(
            Decision.ADOPTED,
            (age_reason, f"{quoted}, but the writer adopts them ('{adopted.group(0)}')"),
        )
    for decision, check in _LATE_CHECKS:
        reason = check(entry, around)
        if reason is not None:
            return Verdict(decision, (reason,))
    return Verdict(
        Decision.FLAGGED,
        (
            age_reason,
            "the writer's own words (not quoted, attributed, negated or challenged)",
            "about the child",
        ),
    )


def _age_reason(entry: Entry, child_age: float | None) -> str | None:
    """Why the age lets the hit through; ``None`` when a child-only term is about an adult."""
    if child_age is None:
        return "age unknown: treated as a child (a child's case file)"
    if child_age < 18:
        return f"age {child_age:g} at the time of writing: a child"
    if entry.child_only:
        return None
    return f"age {child_age:g}, but this wording is wrong at any age"


_last_attributions: tuple[str, list[Any]] = ("", [])


def _attributions(clause: str) -> list[Any]:
    """``cues.ATTRIBUTION`` matches in ``clause`` (the last answer is kept: two checks ask)."""
    global _last_attributions
    text, found = _last_attributions
    if text != clause or not text:
        found = list(cues.ATTRIBUTION.finditer(clause))
        _last_attributions = (clause, found)
    return found


def _last_clause(before: str) -> str:
    """What follows the last ``;`` or ``:`` (all of ``before`` when it has neither)."""
    return before[max(before.rfind(";"), before.rfind(":")) + 1 :]


def _adult_age(child_age: float | None) -> str:
    return f"age {child_age:g} at the time of writing: a term wrong only about a child"


def ordinary_sense(entry: Entry, around: Around) -> str | None:
    """Part of a longer term, or the entry's ordinary or legal sense (its exceptions)."""
    start, end = around.offset, around.offset + len(around.match)
    if entry.terms_regex is not None:
        terms = _EXCEPTIONS.get("")
        if terms is None:
            terms = _EXCEPTIONS[""] = re.compile(entry.terms_regex, re.I | re.A)
        for m in terms.finditer(around.sentence):
            if m.start() <= start and end <= m.end():
                return f"part of the term '{m.group(0)}'"
    if entry.exception_regex is None:
        return None
    pattern = _EXCEPTIONS.get(entry.id)
    if pattern is None:
        pattern = _EXCEPTIONS[entry.id] = re.compile(entry.exception_regex, re.I | re.A)
    for m in pattern.finditer(around.sentence):
        if m.start() < end and start < m.end():
            return f"ordinary or legal sense: '{m.group(0)}'"
    return None


def _rejected(entry: Entry, around: Around) -> str | None:
    """Words rejected right after they are named: "..., which the inquiry criticised"."""
    found = cues.REJECTED_AFTER.search(around.after)
    if found is None:
        return None
    return f"rejected after the words ('{found.group(0).strip(' ,;:(')}')"


def _generic(entry: Entry, around: Around) -> str | None:
    """A concession ("even if ...") or a general statement about children, not this child."""
    clause = _last_clause(around.before)
    conceded = cues.CONCESSIVE.search(clause)
    if conceded is not None:
        return f"conceded in order to deny it ('{conceded.group(0)}'), not said of the child"
    if ";" not in around.before and ":" not in around.before:
        general = cues.GENERIC_SUBJECT.match(around.sentence)
        if general is not None and general.end() <= around.offset + len(around.match):
            words = " ".join(general.group(0).split())
            return f"a general statement about children ('{words}'), not about this child"
    return None


def challenged(entry: Entry, around: Around) -> str | None:
    """The words are named to challenge them, or in guidance about language."""
    found = cues.METALANGUAGE.search(around.sentence)
    if found is not None:
        return f"the words are named to challenge them ('{found.group(0).strip()}')"
    for m in cues.GUIDANCE.finditer(around.sentence):
        passive = m.group("verb").lower() in {"used", "written", "recorded", "described", "called"}
        if passive or cues.GUIDANCE_TAIL.search(m.group("tail")):
            return f"guidance about language ('{m.group(0)[:40].strip()}')"
    return None


def _quoted(note: NoteText, start: int, end: int) -> str | None:
    for low, high in note.quotes:
        if low < start and end < high:
            return "inside quotation marks: someone else's words, recorded"
    return None


def attributed(around: Around) -> str | None:
    """Someone else's words: a source phrase, a reporting verb, or a perception."""
    before = cues.WRITER_CLAUSE.split(_last_clause(around.before))[-1]
    source = cues.SOURCE_PHRASE.search(before)
    if source is not None:
        return f"attributed to someone else ('{source.group(0)}')"
    perceived = _perceived(cues.COORDINATION.split(before)[-1], around.after)
    if perceived is not None:
        return perceived
    for m in reversed(_attributions(before)):
        between = before[m.end() :]
        if len(cues.WORD.findall(between)) > 20:
            break
        verb = m.group(0)[len(m.group("speaker")) :].split()[-1].lower()
        if _last_word(m.group("speaker")) in cues.POSSESSIVES:
            continue  # "her calls are ...": a noun, not a reporting verb
        passive = _last_word(m.group("speaker")) in cues.AUXILIARIES
        if passive and (verb in cues.TOLD or cues.CALL_VERB.match(verb)):
            continue  # "she was told / described ...": the subject is not the speaker
        if cues.CALL_VERB.match(verb) or cues.REPORTED.match(between + around.match):
            speaker = _speaker(m.group("speaker"))
            return None if speaker is None else f"attributed to {speaker}"
    spoken = _speaks_the_words(before, around.match)
    if spoken is not None:
        return spoken
    believed = cues.BELIEF.search(before)
    if believed is not None:
        return f"what the child is led to believe ('{believed.group(0)}'), not the writer's words"
    return _attributed_after(around)


def _speaks_the_words(before: str, match: str) -> str | None:
    """Words that open with a reporting verb: who speaks them ("the suspect warned her ...")."""
    head = before + match.split(" ", 1)[0]
    found = None
    for found in cues.ATTRIBUTION.finditer(head[-80:]):  # noqa: B007 (the last one is wanted)
        pass
    if found is None or found.end() != len(head[-80:]):
        return None
    if _last_word(found.group("speaker")) in cues.AUXILIARIES:
        return None  # "she was told ...": who told her is not named
    speaker = _speaker(found.group("speaker"))
    return None if speaker is None else f"attributed to {speaker}"


def _perceived(before: str, after: str) -> str | None:
    """Someone's view reported without quotation marks ("they were seen as ...")."""
    found = None
    for found in cues.PERCEPTION.finditer(before):  # noqa: B007 (the last one is wanted)
        pass
    if found is None or len(cues.WORD.findall(before[found.end() :])) > 12:
        return None
    if cues.FIRST_PERSON.search(before[: found.start()]):
        return None  # "I view her as ...": the writer's own view
    words = " ".join(found.group(0).split())
    if cues.NAMING.match(words):
        # "staff describe her as ...", "described as ... by staff": the record names the child
        # (the speaker checks decide); only a passive with nobody named is someone else's.
        passive = cues.PASSIVE_BEFORE.search(before[: found.start()])
        if passive is None or cues.AGENT.search(after[:80]) is not None:
            return None
    return f"someone else's view, reported ('{words}')"


def _last_word(words: str) -> str:
    tokens = cues.WORD.findall(words)
    return tokens[-1].lower() if tokens else ""


def _attributed_after(around: Around) -> str | None:
    after = cues.AFTER_ATTRIBUTION.search(around.after)
    if after is not None:
        speaker = _speaker(after.group("speaker"))
        if speaker is not None:
            return f"attributed to {speaker}"
    if cues.PASSIVE_AGENT.search(around.before):
        agent = cues.AGENT.search(around.after[:80])
        if agent is not None:
            speaker = _speaker(agent.group("speaker"))
            if speaker is not None:
                return f"attributed to {speaker}"
    return None


def _speaker(words: str) -> str | None:
    """Who is speaking: ``None`` when it is the writer or a colleague (their words count)."""
    tokens = [t.lower().replace("’", "'") for t in cues.WORD.findall(words)]
    while len(tokens) > 1 and tokens[-1] in cues.AUXILIARIES:
        tokens.pop()  # "she is (worried)", "he was (adamant)": the speaker comes before
    if not tokens or tokens[-1] in cues.NOT_SPEAKERS:
        return None
    last = tokens[-1].removesuffix("'s")
    if last in cues.WRITER or (len(tokens) > 1 and tokens[-2] in cues.RANKS):
        return None
    return f"'{' '.join(tokens[-2:]) if tokens[-2:-1] in (['the'], ['her'], ['his']) else last}'"


def negated(entry: Entry, around: Around) -> str | None:
    """Negated or rejected in the hit's own clause."""
    before = _last_clause(around.before)
    strong = cues.STRONG_NEGATION.search(before)
    if strong is not None:
        return f"negated or rejected ('{strong.group(0)}')"
    if not entry.weak_negation:
        return None  # the entry's own words carry the negation ("not to pursue")
    clause = cues.CLAUSE_BREAK.split(before)[-1]
    clause = cues.NOT_NEGATION.sub(" ", clause)
    words = cues.WORD.findall(clause)[-8:]
    for word in words:
        if cues.NEGATION.fullmatch(word) or word.lower().endswith("n't"):
            return f"negated ('{word}')"
    return None


def _adult_subject(entry: Entry, around: Around) -> str | None:
    if not entry.subject_check:
        return None
    if entry.category == "labels_child" and cues.AGENT_BEFORE.search(around.before):
        return "the words describe the person acting on the child, not the child"
    subject = _nearest_person(around)
    if subject is None or not subject[1]:
        return None
    if _child_object(around):
        return None
    return f"about an adult ('{subject[0]}'), not the child"


def _nearest_person(around: Around) -> tuple[str, bool] | None:
    """The nearest person word before the hit, and whether it names an adult."""
    clause = _last_clause(around.before)
    verbs = _attributions(clause)
    if verbs:
        clause = clause[verbs[-1].end() :]
    tokens = cues.WORD.findall(clause)
    first = cues.WORD.findall(around.match)[:1]
    if first and first[0].lower().endswith(("'s", "’s")):
        tokens.append(first[0])
    for index in range(len(tokens) - 1, max(-1, len(tokens) - 13), -1):
        if tokens[index].lower() in cues.CLAUSE_OPENERS:
            return None  # "officers are of the view that <child> ...": a new clause's subject
        kind = _person(tokens, index)
        if kind is not None and not _in_phrase(tokens, index):
            return tokens[index], kind
    return None


def _in_phrase(tokens: list[str], index: int) -> bool:
    """Whether a person word sits in a phrase after a preposition ("the sex with the men")."""
    for back in (1, 2, 3):
        if index - back < 0:
            return False
        word = tokens[index - back].lower()
        if word in cues.PREPOSITIONS:
            return True
        if word not in cues.MODIFIERS:
            return False
    return False


def _person(tokens: list[str], index: int) -> bool | None:
    """True for an adult, False for a child, None for a word that is not a person."""
    word = tokens[index].lower().replace("’", "'").removesuffix("'s")
    previous = tokens[index - 1].lower() if index else ""
    age = cues.AGE_WORD.match(word)
    if age is not None:
        return int(age.group(1) or age.group(2)) >= 18
    if word.isdigit() and previous == "aged":
        return int(word) >= 18
    if word in cues.GROUP_WORDS:
        return True if previous in cues.ADULT_QUALIFIERS else None
    if word in cues.ADULT_WORDS:
        return True
    if word in cues.CHILD_WORDS:
        return False
    return None


def _child_object(around: Around) -> bool:
    """Whether the words after the hit name a child (an adult "in a relationship with her")."""
    following = []
    for word in cues.WORD.findall(around.after)[:6]:
        if word.lower() in _CLAUSE_LINKS:
            break  # "... partners and children by ...": a new phrase, not the object
        following.append(word)
    tokens = cues.WORD.findall(around.match) + following
    for index, token in enumerate(tokens):
        kind = _person(tokens, index)
        possessive = token.lower() in {"her", "his", "their"} and index + 1 < len(tokens)
        if possessive and _person(tokens, index + 1) is not None:
            continue
        if kind is False and token.lower() not in {"he", "she", "himself", "herself"}:
            return True
    return False


_CLAUSE_LINKS = frozenset(["and", "but", "or", "who", "which", "while", "when", "whereas"])
_CHECKS = (
    (Decision.ORDINARY_SENSE, ordinary_sense),
    (Decision.CHALLENGED, challenged),
    (Decision.NEGATED, _rejected),
    (Decision.GENERIC, _generic),
)
_LATE_CHECKS = (
    (Decision.NEGATED, negated),
    (Decision.ADULT_SUBJECT, _adult_subject),
)
