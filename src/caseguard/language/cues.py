"""The word lists and cue expressions the context stage reads around a hit.

They run only on the sentence around a hit. The large alternations run on RE2 (linear time, and
20-50x faster than Python ``re`` on them); the few that need look-behind use Python ``re``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import re2

I = re.IGNORECASE  # noqa: E741


def _re2(pattern: str, _flags: int = 0) -> Any:
    """A case-insensitive RE2 expression (the flags argument mirrors ``re.compile``)."""
    return _Quick(re2.compile(f"(?i){pattern}"))


_MISS = (-1, -1)


class _Quick:
    """An RE2 expression that answers a miss (the usual answer here) with one call into RE2.

    The ``re2`` module's ``search``, ``finditer`` and ``split`` run a Python generator even when
    nothing matches; a miss is first checked on the UTF-8 bytes, and only a hit goes through them.
    """

    __slots__ = ("_anchor", "_compiled", "_raw")

    def __init__(self, compiled: Any) -> None:
        self._compiled = compiled
        self._raw = compiled._regexp
        self._anchor = re2._Anchor.UNANCHORED

    def _misses(self, text: str) -> bool:
        data = text.encode("utf-8")
        return bool(self._raw.Match(self._anchor, data, 0, len(data))[0] == _MISS)

    def search(self, text: str) -> Any:
        return None if self._misses(text) else self._compiled.search(text)

    def finditer(self, text: str) -> Iterator[Any]:
        return iter(()) if self._misses(text) else self._compiled.finditer(text)

    def split(self, text: str) -> list[str]:
        return [text] if self._misses(text) else list(self._compiled.split(text))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._compiled, name)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- challenge and guidance: the words are named in order to reject them -----------------------
METALANGUAGE = _re2(
    r"victim[\s-]*blam\w*"
    r"|\bblam(?:es|ed|ing)\s+(?:the\s+)?(?:child|victim|young\s+person|her|him|them)\b"
    r"|\b(?:inappropriate|unacceptable|unhelpful|stigmati[sz]ing|judge?mental|offensive|outdated"
    r"|harmful|loaded|problematic|poor|incorrect|wrong|appropriate|better|preferred)\s+"
    r"(?:language|terms?|terminology|phrases?|phrasing|wording|words?|labels?|descriptions?"
    r"|expressions?)\b"
    r"|\b(?:the|this|that|such|these|those)\s+(?:terms?|phrases?|words?|wording|labels?"
    r"|descriptions?|expressions?|language|terminology)\b"
    r"|\b(?:terms?|phrases?|words?|wording|labels?|language)\s+(?:such\s+as|like)\b"
    r"|\bchallenged\b|\bchalleng(?:e|es)\s+(?:this|the|that|these|such|use|any|language|them)\b"
    r"|\bto\s+challenge\b|\bre-?word\w*|\brephras\w*|\bguidance\b|\blanguage\s+matters\b"
    r"|\b(?:officers?|oic|staff|team|author|writer|all)\b[^.;]{0,30}\breminded\b"
    r"|\breminded\s+(?:the\s+)?(?:officers?|oic|staff|team|all|author|writer)\b"
    r"|\bnot\s+(?:an?\s+)?(?:accurate|appropriate|acceptable|helpful|fair|correct)\s+"
    r"(?:description|term|way|language|word|phrase|label)"
    r"|\b(?:wrong|inappropriate|unfair|incorrect|inaccurate|unacceptable|misleading|not\s+(?:right"
    r"|fair|appropriate|acceptable))\s+to\s+(?:describe|call|say|suggest|label|refer\s+to"
    r"|think\s+of|see|treat|view|record|write\s+(?:of|about))\b",
    I,
)
GUIDANCE = _re2(
    r"\b(?:(?:should|must|shall|ought\s+to|do|does|please\s+do|to)\s*(?:not|n't)|never|avoid(?:ing|s)?"
    r"|refrain\s+from|stop)\s+(?:be\s+)?(?:\w+\s+)?"
    r"(?P<verb>use|using|used|describ\w*|refer\w*|call|calling|called|label\w*|write|writing|"
    r"written|characteri[sz]\w*|talk\w*\s+about|portray\w*|fram\w+|record\w*|tell|telling|say|saying"
    r"|warn|warning|advise|advising|suggest|suggesting)\b(?P<tail>.{0,60})",
    I,
)
GUIDANCE_TAIL = re.compile(
    r"^\s*(?:$|[.,;])|\bas\b|[\"'“‘]|\b(?:terms?|phrases?|words?|language|labels?|expressions?"
    r"|such|like|that)\b",
    I,
)

# --- negation ---------------------------------------------------------------------------------
STRONG_NEGATION = _re2(
    r"\b(?:no|little|nothing|not\s+any|without|never\s+any)\s+(?:\w+\s+){0,2}?(?:suggest\w*|evidence"
    r"|indication\w*|information|intelligence|reason\w*|basis|grounds|sign|signs|concerns?)\b"
    r"|\bnot\s+(?:\w+\s+){0,2}?(?:the\s+case|true|accurate|correct|right|fair|accept\w*"
    r"|believe\w*|agree\w*|consider\w*|think|suggest\w*|mean|imply|implies|appropriate)\b"
    r"|\b(?:cannot|can't|could\s+not|couldn't|should\s+not|shouldn't)\s+be\s+(?:said|described"
    r"|considered|seen|viewed|regarded)\b"
    r"|\b(?:untrue|false|wrong|unfounded|incorrect|inaccurate)\s+(?:that|to\s+(?:say|suggest))\b"
    r"|\b(?:denied|denies|deny|rejected|rejects|reject|ruled\s+out|disproved|dispelled)\b"
    r"|\b(?:rather\s+than|instead\s+of|as\s+opposed\s+to)\b"
    r"|\b(?:wrongly|mistakenly|incorrectly|falsely|erroneously|wrongfully)\b",
    I,
)
NEGATION = re.compile(
    r"\b(?:not|never|no|nor|cannot|neither|none|nobody|nothing|without|hardly|unlikely)\b"
    r"|n't\b",
    I,
)
NOT_NEGATION = re.compile(
    r"\b(?:not\s+only|not\s+just|no\s+longer|no-one\s+else|no\s+one\s+else)\b", I
)
CLAUSE_BREAK = _re2(
    r"[;:()\x{2013}\x{2014}]|,\s*(?:and|but|so|then|while|whereas|although|though|however|because|as)\b"
    r"|\b(?:and|but|however|although|though|whereas|because|yet|so|why|where|when|whether|if"
    r"|since|who|which|while|until|unless|after|before)\b",
    I,
)

# --- someone else's words ------------------------------------------------------------------------
# A quoted phrase judged as language: "('placing herself at risk') is inappropriate".
LANGUAGE_JUDGEMENT = _re2(
    r"\b(?:is|are|was|were)\s+(?:(?:not|both|quite|wholly|entirely|totally)\s+)?"
    r"(?:inappropriate|unacceptable|not\s+appropriate|offensive|stigmati[sz]ing|judge?mental"
    r"|victim[\s-]*blaming)\b"
)
# A note that challenges language without naming the words: "the language in the entry
# of 3 May is victim-blaming", "inappropriate wording". Plain syntax shared by RE2 here
# and by the audit's vectorised pass over supervisors' reviews (Rust regex).
GENERAL_CHALLENGE_PATTERN = (
    r"(?i)victim[\s-]*blam[a-z]*"
    r"|\b(?:inappropriate|unacceptable|offensive|stigmati[sz]ing|judge?mental|unprofessional)"
    r"\s+(?:language|terms?|terminology|phrases?|phrasing|wording|words?|labels?|descriptions?)\b"
    r"|\b(?:language|terms?|terminology|phrases?|phrasing|wording|words?|labels?|descriptions?)"
    r"(?:(?:\s+[a-z0-9,]+){0,8}?\s+(?:is|are|was|were))?\s+(?:not\s+appropriate|inappropriate"
    r"|unacceptable|offensive|stigmati[sz]ing|judge?mental|unprofessional)\b"
)
GENERAL_CHALLENGE = re2.compile(GENERAL_CHALLENGE_PATTERN)
# Words that open a new clause: the subject of the words after them comes after them.
CLAUSE_OPENERS = _words("that whether because although though")

QUOTE = re.compile(
    r"\"[^\"\n]{1,500}\"|“[^”\n]{1,500}”|«[^»\n]{1,500}»"
    r"|‘(?:[^’\n]|’(?=[A-Za-z])){1,500}’(?![A-Za-z])"
    r"|(?<![\w'])'(?=[^\s'])[^'\n]{0,500}?[^\s']'(?![\w])"
)
OPENING_MARKS = ('"', "“", "«", "‘")  # every QUOTE alternative but the ``'`` one opens with one
REPORT_VERB = (
    r"(?:said|says|say|stated|states|told|tells|tell|claimed|claims|claim|described|describes|"
    r"describe|describing|referred\s+to|refers\s+to|refer\s+to|referring\s+to|called|calls|calling|"
    r"alleged|alleges|allege|insisted|insists|maintained|maintains|reported|reports|believes|"
    r"believed|thinks|thought|feels|felt|feel|believe|assumed|assumes|assume|presumed|"
    r"disclosed|discloses|explained|explains|admitted|admits|"
    r"denied|denies|suggested|suggests|asserted|asserts|considers|considered|regards|regarded|"
    r"views|viewed|sees|labelled|labels|boasted|boasts|bragged|brags|texted|messaged|wrote|"
    r"posted|shouted|replied|responded|answered|commented|mentioned|indicated|confirmed|"
    r"accepts|accepted|acknowledged|argued|argues|introduced|introduces|presented|presents|"
    r"portrayed|portrays|insist|explains|complained|complains|worried|worries|fears|feared|"
    r"is\s+adamant|was\s+adamant|is\s+of\s+the\s+view|was\s+of\s+the\s+view|has\s+said|"
    r"has\s+told|has\s+described|has\s+stated|has\s+claimed|found|finds|concluded|concludes|"
    r"noted|notes|heard|warned|warns|threatened|threatens|advised|advises|assured|assures|"
    r"promised|promises|informed|informs|wrote|recorded)"
)
ATTRIBUTION = _re2(
    r"(?P<speaker>(?:\b\w+\s+)?\b[\w']+)\s+(?:(?:has|had|have|then|also|later|repeatedly|openly|"
    r"again|previously|herself|himself|themselves|freely|proudly|initially|first|once|now|"
    r"clearly|reportedly|allegedly|apparently|herself|always|often|only|wrongly|mistakenly|"
    r"incorrectly|wrongfully|still|even|simply)\s+)*"
    rf"{REPORT_VERB}\b",
    I,
)
SOURCE_PHRASE = _re2(
    r"\baccording\s+to\b|\bin\s+(?:her|his|their|the\s+\w+'s|\w+'s)\s+(?:own\s+)?words\b"
    r"|\b(?:her|his|their|the\s+\w+'s|\w+'s)\s+(?:account|version|view|position|claim|belief"
    r"|perception|description|explanation|words|narrative|case)\s+(?:is|was|being)\b"
    r"|\bas\s+(?:she|he|they|the\s+\w+)\s+(?:describes|described|calls|called|puts|put|says|said)\b"
    r"|\b(?:per|quote|quoted|quoting|verbatim)\b",
    I,
)
# After a reporting verb, the words reported: "that", a colon or quote, a new subject, or "as".
REPORTED = re.compile(
    r"^\s*(?:[\w'-]+\s+){0,4}?(?:that\b|[:\"“‘']|(?:he|she|they|i|it|we|you)\b|as\b"
    r"|(?:is|are|was|were|had|has|would|will|could|can|might|may|should|must)\b)",
    I,
)
# A reporting verb used in the passive makes its subject the one told, not the speaker.
TOLD = _words("told informed advised reminded warned asked assured reassured promised")
AUXILIARIES = _words("is was are were be been being has had have")
# Someone's view of the child reported without quotation marks: "children were said to be ...",
# "they spoke of ...", "officers perceived the girls as ...", "she was labelled ...".
PERCEPTION = _re2(
    r"\b(?:(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?(?:said|reported|alleged|claimed"
    r"|rumou?red|described)\s+to\s+(?:be|have)"
    r"|(?:spoke|speak|speaks|speaking|talked|talk|talks|talking)\s+of"
    r"|(?:perceiv|view|regard|see|saw|seen|brand|describ|dismiss|writ|wrote|class|characteri[sz]"
    r"|portray|depict|paint|cast|refer\w*\s+to|thought\s+of|think\w*\s+of|label)\w*"
    r"(?:\s+off)?\s+(?:[\w'-]+\s+){0,5}?as|labell?ed|branded|heard\s+that)\b",
    I,
)
# A second main clause: a view reported before it does not reach the words after it.
COORDINATION = re.compile(r",\s*(?:and|but|so|yet|while|whereas|although|though)\b", I)
# A new main clause in the writer's voice: what was reported before it does not reach past it.
WRITER_CLAUSE = re.compile(
    r",\s*(?:and|but|so|yet)\s+(?=(?:we|i|officers?|police|the\s+(?:oic|officer|writer))\b)", I
)
# Perception verbs that name the child (the record's own voice unless a passive names nobody).
NAMING = re.compile(r"^(?:describ|refer|class|characteri[sz]|portray)", I)
PASSIVE_BEFORE = re.compile(r"\b(?:is|are|was|were|been|being)\s+(?:\w+ly\s+)?$", I)
# Words a loose match can take for a speaker that are not one ("..., when found").
NOT_SPEAKERS = _words(
    "when then and if where while who which whom after before once until as not never do don't to"
)
# The subject of a perception before it: the writer ("I", "we") adopts it; anyone else reports.
FIRST_PERSON = re.compile(r"\b(?:i|we|in\s+my\s+view|in\s+our\s+view)\b\s*(?:\w+\s+){0,2}$", I)
# Words after the hit that reject it: "which the inquiry criticised", "this is incorrect".
REJECTED_AFTER = _re2(
    r"(?:^|[,;:(\x{2013}\x{2014}]|\b(?:which|that|this|a|the)\b)\s*(?:[\w']+\s+){0,4}?"
    r"(?:criticised|criticized|criticises|criticizes|rejected|rejects|disputed|disputes|condemned"
    r"|(?:was|is|were|are|has\s+been|have\s+been)\s+(?:\w+ly\s+)?(?:wrong|incorrect|inaccurate"
    r"|untrue|not\s+accepted|rejected|withdrawn|mistaken|false|victim[\s-]*blaming))\b"
    r"|\b(?:rather\s+than|instead\s+of)\s+as\s+(?:an?\s+|the\s+)?(?:victims?|child(?:ren)?)\b",
    I,
)
# A concession that denies the words their effect: "even if the activity appears consensual".
CONCESSIVE = _re2(
    r"\beven\s+(?:if|where|when|though|in\s+cases\s+where)\b|\bregardless\s+of\s+whether\b"
    r"|\bwhether\s+or\s+not\b",
    I,
)
# What a child is groomed into believing: "grooming young people into believing they are ...".
BELIEF = _re2(
    r"\binto\s+(?:believing|thinking|feeling)\b|\b(?:child|children|young\s+(?:person|people)"
    r"|victims?|she|he|they)\s+(?:(?:may|might|can|could|often|will|still|genuinely|truly|really)"
    r"\s+)?(?:believes?|believed|thinks?|feels?)\s+(?:that\s+)?(?:she|he|they|it|the\s+\w+)\s+"
    r"(?:is|are|was|were|has|have)\b",
    I,
)
# A general statement about children, not about this child: "exploited children may ...".
GENERIC_SUBJECT = re.compile(
    r"^\W*(?:(?:all|most|many|some|exploited|vulnerable|groomed|young|other|such|abused)\s+)*"
    r"(?:children|young\s+people|teenagers|adolescents|victims|an?\s+(?:(?:exploited|groomed"
    r"|vulnerable|abused)\s+)?(?:child|young\s+person)|any\s+child|no\s+child)\b"
    r"(?:\s+(?:who|under|aged|in|at)\b[^,;.]{0,60}?)?\s+(?:can|cannot|can't|could|may|might"
    r"|should|must|will|do|does|don't|doesn't|are\s+not|aren't|is\s+not|isn't|often|never"
    r"|rarely|always|sometimes|frequently|typically|usually|commonly)\b",
    I,
)
CALL_VERB = re.compile(r"^(?:call|calls|called|calling|describ\w+|refer\w*|label\w*)", I)
AFTER_ATTRIBUTION = _re2(
    r"^[^.;]{0,40}?(?:,|\(|\bas\b)\s*(?P<speaker>(?:\w+\s+)?[\w']+)\s+(?:has\s+|had\s+|then\s+)?"
    rf"{REPORT_VERB}\b",
    I,
)
PASSIVE_AGENT = _re2(
    r"\b(?:described|referred\s+to|called|labelled|labeled|known|seen|viewed|regarded|branded"
    r"|presented|portrayed)\s+as\b",
    I,
)
AGENT = _re2(r"\bby\s+(?P<speaker>(?:(?:her|his|their|the|a|an)\s+)?[\w']+)", I)
ADOPTION = _re2(
    r"\b(?:i|we|officers?|police)\s+(?:would\s+)?(?:agree|accept|concur)\b"
    r"|\b(?:which|this|that)\s+(?:is|was|appears|seems)\s+(?:to\s+be\s+)?(?:true|correct|accurate"
    r"|right|the\s+case)\b|\brightly\b|\bindeed\b",
    I,
)
# The writer, and colleagues writing in the same record: their words are the record's words.
WRITER = _words(
    "i we me us officer officers police pc dc ds di dci sgt sergeant inspector constable oic "
    "staff professionals practitioners agencies partners author writer reviewer supervisor "
    "this i've we've ive intelligence intel information "
    "records record checks enquiries cctv evidence it there is was are were be been being"
)
RANKS = _words("pc dc ds di dci sgt sergeant inspector constable det")

# --- who the words are about ---------------------------------------------------------------------
WORD = re.compile(r"[A-Za-z0-9]+(?:['’-][A-Za-z0-9]+)*")
AGE_WORD = re.compile(r"^(\d{1,2})-?(?:years?|yrs?|yo)(?:-old)?$|^(\d{1,2})yo$", I)
ADULT_WORDS = _words(
    """adult adults man men woman women lady ladies gentleman gentlemen mother mum mom mam
    father dad stepfather stepdad stepmother stepmum parent parents carer carers aunt auntie
    uncle grandmother grandfather nan nana gran granny grandad grandparent grandparents landlord
    landlady neighbour neighbours neighbor suspect suspects offender offenders perpetrator
    perpetrators accused defendant defendants husband wife employer manager teacher teachers
    officer officers police pc dc ds di dci sgt oic cps staff worker workers nurse doctor gp
    stepfather's boss driver shopkeeper owner tenant"""
)
CHILD_WORDS = _words(
    """she he her him herself himself child children girl girls boy boys victim victims yp
    young teenager teenagers teen teens pupil pupils daughter son kid kids juvenile minor
    student schoolgirl schoolboy"""
)
ADULT_QUALIFIERS = _words("older adult grown elderly")
POSSESSIVES = _words("her his their my our your its")
PREPOSITIONS = _words("with by from of for between among")
MODIFIERS = _words("the a an older adult several two three some these those other local known")
GROUP_WORDS = _words("males females")
AGENT_BEFORE = re.compile(
    r"\b(?:by|from)\s+(?:(?:an?|the|two|three|several|other|rival|older|local|known|some)\s+)*$", I
)
