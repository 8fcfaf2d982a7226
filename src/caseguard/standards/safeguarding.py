"""Safeguarding: referral, strategy discussion, risk assessment and NRM referral."""

from __future__ import annotations

import polars as pl

from caseguard.standards.deadlines import Deadline, evaluate
from caseguard.standards.frames import Frames
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams


@rule(
    "REFERRAL",
    title="Safeguarding referral made promptly",
    family="safeguarding",
    checks="A `safeguarding_referral` to children's social care within the limit of "
    "`reported_at` (critical when none at all, major when late).",
    why="Working Together requires a referral to children's social care when a child may "
    "be at risk of significant harm; police cannot safeguard alone.",
    fix="Refer to children's social care now and record it as a `safeguarding_referral`.",
)
def referral(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(
        ("safeguarding_referral",), "Safeguarding referral made", "No safeguarding referral"
    )
    return evaluate(f, p, spec)


@rule(
    "STRATEGY",
    title="Strategy discussion held",
    family="safeguarding",
    checks="A `strategy_discussion` with children's social care within the limit of `reported_at`.",
    why="A strategy discussion decides, with partners, how to protect the child and who "
    "investigates what; without it agencies work apart.",
    fix="Request a strategy discussion with children's social care and record it.",
)
def strategy(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(("strategy_discussion",), "Strategy discussion held", "No strategy discussion")
    return evaluate(f, p, spec)


@rule(
    "RISK_ASSESSMENT",
    title="Exploitation risk assessed",
    family="safeguarding",
    checks="A `risk_assessment` within the limit of `reported_at`.",
    why="Exploitation risk changes fast; without an assessment, protective actions and "
    "the response to missing episodes rest on guesswork.",
    fix="Complete the exploitation risk assessment and record it.",
)
def risk_assessment(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(("risk_assessment",), "Risk assessment completed", "No risk assessment")
    return evaluate(f, p, spec)


@rule(
    "NRM",
    title="National Referral Mechanism referral",
    family="safeguarding",
    checks="An `nrm_referral` within the limit of `reported_at` for criminal exploitation.",
    why="Children criminally exploited are victims of modern slavery; an NRM referral "
    "brings support and the statutory defence.",
    fix="Make the NRM referral (first responders: police) and record it.",
)
def nrm(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(("nrm_referral",), "NRM referral made", "No NRM referral")
    return evaluate(f, p, spec)
