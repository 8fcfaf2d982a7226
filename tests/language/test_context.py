"""A table of context cases per rule: age, negation, quoted, challenge/guidance, adult subject."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from caseguard.language import Decision, age_at, screen, screen_note


def make_case(text: str, age: float | None = 15, decision: Decision = Decision.FLAGGED) -> tuple:
    return (text, age, decision)


CASES = {
    "age": [
        make_case("She is sexually active with older men.", 15),
        make_case("She is sexually active with older men.", None),
        make_case("She is sexually active and uses contraception.", 19, Decision.ADULT_AGE),
        make_case("Her boyfriend drove her to the station.", 18, Decision.ADULT_AGE),
        make_case("Her boyfriend drove her to the station.", 17.9),
        make_case("She continues to place herself at risk.", 19),  # wrong at any age
    ],
    "negation": [
        make_case("There is no suggestion she chose to go missing.", 15, Decision.NEGATED),
        make_case("There is nothing to suggest she is making poor choices.", 15, Decision.NEGATED),
        make_case("She is being exploited rather than making poor choices.", 15, Decision.NEGATED),
        make_case("It is not the case that she is placing herself at risk.", 15, Decision.NEGATED),
        make_case("She has no phone and keeps going missing.", 15),
        make_case("She is no longer engaging with services.", 15),
    ],
    "quoted": [
        make_case("The suspect described her as his girlfriend.", 15, Decision.QUOTED),
        make_case("Kyle told officers he was working for the line.", 15, Decision.QUOTED),
        make_case("Her mother says she is streetwise.", 15, Decision.QUOTED),
        make_case('He said "she is my girlfriend" when arrested.', 15, Decision.QUOTED),
        make_case(
            "According to the suspect, she initiated the sexual contact.", 14, Decision.QUOTED
        ),
        make_case("Mum says she is streetwise, which is true.", 15, Decision.ADOPTED),
        make_case("Officers believe she is making poor choices.", 15),
        make_case("PC Hale said she is putting herself at risk.", 15),
        make_case("She told her teacher about her new boyfriend.", 15),
    ],
    "challenge": [
        make_case(
            "The phrase 'placing herself at risk' is victim-blaming and must not be used.",
            15,
            Decision.CHALLENGED,
        ),
        make_case("Officers should not describe children as promiscuous.", 15, Decision.CHALLENGED),
        make_case("Do not refer to him as a drug runner.", 15, Decision.CHALLENGED),
        make_case("The DI challenged the use of 'prostitute' in the log.", 15, Decision.CHALLENGED),
        make_case(
            "Language in the log ('placing herself at risk') is inappropriate.",
            15,
            Decision.CHALLENGED,
        ),
        make_case("She is putting herself at risk and her behaviour is inappropriate.", 15),
        make_case("She does not use drugs but keeps going missing.", 15),
    ],
    "adult subject": [
        make_case("Officers are of the view that Amarra knew what she was doing.", 15),
        make_case(
            "An adult witness, who is a sex worker, gave a statement.", 15, Decision.ADULT_SUBJECT
        ),
        make_case("The suspect's girlfriend provided an alibi.", 15, Decision.ORDINARY_SENSE),
        make_case("The woman, a sex worker, saw the car arrive.", 15, Decision.ADULT_SUBJECT),
        make_case(
            "The 34-year-old is in a relationship with Jade's mother.", 15, Decision.ADULT_SUBJECT
        ),
        make_case("The 34-year-old man is in a relationship with the 14-year-old.", 15),
        make_case("The 19-year-old is sexually active.", None, Decision.ADULT_SUBJECT),
    ],
    "ordinary sense": [
        make_case(
            "Her brother is working for a new line manager at the depot.",
            15,
            Decision.ORDINARY_SENSE,
        ),
        make_case(
            "The suspect engaged in sexual activity with a child.", 15, Decision.ORDINARY_SENSE
        ),
    ],
    "reported view": [
        make_case("Children were said to be willing participants.", 15, Decision.QUOTED),
        make_case("They spoke of children being promiscuous.", 15, Decision.QUOTED),
        make_case(
            "Officers perceived the girls as having brought it on themselves.", 15, Decision.QUOTED
        ),
        make_case(
            "Professionals wrongly view children who carry drugs as willing participants.",
            15,
            Decision.QUOTED,
        ),
        make_case("She was labelled a troublemaker at the home.", 15, Decision.QUOTED),
        make_case("I view her as a willing participant.", 15),  # the writer's own view
        make_case("She is described as promiscuous by staff at the placement.", 15),
        make_case("Mia was told it would be difficult to prove.", 15),  # the teller is unnamed
        make_case(
            "She is worried that court will be hard, and a ChISVA was offered.",
            15,
            Decision.QUOTED,
        ),
    ],
    "rejected after": [
        make_case(
            "She was described as sexually active, which the inspectorate criticised.",
            12,
            Decision.NEGATED,
        ),
        make_case(
            "She has been called a willing participant in the past; this is incorrect.",
            15,
            Decision.NEGATED,
        ),
        make_case("This is teenage rebellion rather than exploitation.", 15),
    ],
    "generic and concessive": [
        make_case(
            "Even if the activity appears consensual, it is exploitation.", 15, Decision.GENERIC
        ),
        make_case(
            "Exploited children may appear to go willingly with the perpetrators.",
            15,
            Decision.GENERIC,
        ),
        make_case(
            "Grooming young people into believing they are in consensual relationships is common.",
            15,
            Decision.QUOTED,
        ),
        make_case("Children at the flat were consenting, officers believe.", 15),
        make_case("Taking risks is part of growing up.", 15, Decision.ORDINARY_SENSE),
        make_case("Her going missing is just part of growing up.", 15),
    ],
    "terms": [
        make_case(
            "He was referred to the child criminal exploitation team.", 15, Decision.ORDINARY_SENSE
        ),
        make_case("He is a child criminal.", 15),
    ],
    "dissuading": [
        make_case("I told her that court would be very hard for her.", 15),
        make_case("The suspect told her nothing would come of it.", 15, Decision.QUOTED),
        make_case(
            "Do not tell a child that it will be their word against his.", 15, Decision.CHALLENGED
        ),
        make_case(
            "Advised Sophie that without her support there was little point in reporting.", 15
        ),
    ],
}
ROWS = [(rule, *case) for rule, cases in CASES.items() for case in cases]


@pytest.mark.parametrize(("rule", "text", "age", "decision"), ROWS)
def test_context(rule: str, text: str, age: float | None, decision: Decision) -> None:
    result = screen_note(text, child_age=age, note_id="n1")
    decisions = [f.context for f in result.findings]
    if decision in (Decision.FLAGGED, Decision.ADOPTED):
        assert result.findings, f"{rule}: expected a finding"
        assert not result.recorded, result.recorded
    else:
        assert not result.findings, f"{rule}: {decisions}"
        assert decision in {r.decision for r in result.recorded}, result.recorded


@pytest.mark.parametrize(
    ("age", "raped"),
    [
        (12, "the child has been raped"),
        (None, "the child has been raped (if the child was under 13)"),
        (13, None),
        (15, None),
    ],
)
def test_suggestions_fit_the_age(age: float | None, raped: str | None) -> None:
    (finding,) = screen("She is sexually active.", child_age=age)
    wordings = [s for s in finding.suggestions if "raped" in s]
    assert wordings == ([raped] if raped else [])
    assert finding.suggestions  # a child of 13 or older still gets a better wording


def test_unknown_age_is_treated_as_a_child_and_said() -> None:
    (finding,) = screen("She is sexually active.", child_age=None)
    assert any("age unknown: treated as a child" in c for c in finding.context)


def test_challenges_name_the_entry_and_the_words() -> None:
    result = screen_note("The phrase 'placing herself at risk' is victim-blaming.", note_id="r1")
    (challenge,) = result.challenges
    assert challenge.entry_ids == ("VB-PLACING-AT-RISK",)
    assert challenge.words == "placing herself at risk"
    assert challenge.note_id == "r1"


def test_finding_fields() -> None:
    text = "Jade continues to place herself at risk."
    (finding,) = screen(text, child_age=14, note_id="n9")
    assert (finding.note_id, finding.rule, finding.match) == (
        "n9",
        "VB-PLACING-AT-RISK",
        "place herself at risk",
    )
    assert text[finding.start : finding.end] == finding.match
    assert finding.suggestions and finding.suggestion == finding.suggestions[0]
    assert finding.severity.value == "error" and finding.category == "blames_child"


def test_advisory_is_off_by_default() -> None:
    text = "She disclosed historical sexual abuse."
    assert not screen(text)
    assert [f.rule for f in screen(text, advisory=True)] == ["ADV-HISTORICAL"]


def test_risk_grades_and_victim_are_never_flagged() -> None:
    for text in ("Risk of CSE assessed as high.", "The victim was seen at home."):
        assert not screen(text, advisory=True)


@pytest.mark.parametrize(
    ("born", "when", "age"),
    [
        (date(2010, 5, 1), datetime(2024, 4, 30, 23, 59), 13),
        (date(2010, 5, 1), datetime(2024, 5, 1, 0, 0), 14),
        (date(2008, 2, 29), datetime(2026, 2, 28), 17),
        (date(2008, 2, 29), datetime(2026, 3, 1), 18),
    ],
)
def test_age_at(born: date, when: datetime, age: int) -> None:
    assert age_at(born, when) == age


GENERAL_CHALLENGES = [
    ("Supervisor review: the language in the entry of 3 May is victim-blaming.", True),
    ("Language inappropriate: amend the log.", True),
    ("Supervisor review: inappropriate wording in the log; amend it.", True),
    ("The words used in the entry of 2 June are not appropriate.", True),
    ("Her behaviour at school was inappropriate.", False),
    ("The suspect's messages were inappropriate.", False),
    ("Risk remains high; plan agreed.", False),
]


@pytest.mark.parametrize(("text", "expected"), GENERAL_CHALLENGES)
def test_general_challenge_names_no_words(text: str, expected: bool) -> None:
    """A note can challenge language without naming it; the audit's vectorised cue agrees."""
    import polars as pl

    from caseguard.language import screen_note
    from caseguard.language.cues import GENERAL_CHALLENGE_PATTERN

    challenges = screen_note(text, child_age=14).challenges
    assert bool(challenges) is expected
    if expected:
        assert challenges[0].entry_ids == () and challenges[0].words == ""
    assert bool(pl.Series([text]).str.contains(GENERAL_CHALLENGE_PATTERN)[0]) is expected
