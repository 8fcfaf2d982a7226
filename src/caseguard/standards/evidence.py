"""Evidence: ABE interview, forensic recovery, CCTV, and action against suspects."""

from __future__ import annotations

import polars as pl

from caseguard.standards.deadlines import Deadline, evaluate
from caseguard.standards.frames import Frames
from caseguard.standards.registry import rule
from caseguard.standards.rubric import RuleParams
from caseguard.standards.seizures import Seizure, seized_then_examined, whole_days_text
from caseguard.standards.suspects import arrested_pairs, first_for_pair, per_case, suspect_pairs
from caseguard.standards.verdicts import day, duration, limit_text, whole_days

SUSPECT_STEPS = ("suspect_arrested", "suspect_interviewed")


@rule(
    "ABE",
    title="Achieving Best Evidence interview",
    family="evidence",
    checks="An `abe_interview` (or a justified decision against one) within the limit of "
    "`reported_at`.",
    why="The child's video-recorded interview is usually the core evidence in a sexual "
    "offence case and is best taken while memory is fresh.",
    fix="Arrange the ABE interview, or record why it was declined or not required.",
)
def abe(f: Frames, p: RuleParams) -> pl.DataFrame:
    return evaluate(f, p, Deadline(("abe_interview",), "ABE interview", "No ABE interview"))


@rule(
    "FORENSIC",
    title="Forensic opportunities taken",
    family="evidence",
    checks="A `forensic_medical` or `clothing_seized` (or a justified decision) within the "
    "limit of `reported_at`.",
    why="Forensic evidence degrades within days; a missed examination or seizure cannot "
    "be recovered later.",
    fix="Consider a SARC referral and clothing seizure now, or record why not.",
)
def forensic(f: Frames, p: RuleParams) -> pl.DataFrame:
    spec = Deadline(
        ("forensic_medical", "clothing_seized"), "Forensic action taken", "No forensic action"
    )
    return evaluate(f, p, spec)


@rule(
    "CCTV",
    title="CCTV requested",
    family="evidence",
    checks="A `cctv_requested` (or a justified decision) within the limit of `reported_at`.",
    why="CCTV is commonly kept for about 30 days; a late request usually finds it deleted.",
    fix="Request CCTV from the locations in the account now, or record why not.",
)
def cctv(f: Frames, p: RuleParams) -> pl.DataFrame:
    return evaluate(f, p, Deadline(("cctv_requested",), "CCTV requested", "No CCTV request"))


@rule(
    "SUSPECT_ACTION",
    title="Action taken against each suspect",
    family="evidence",
    checks="For each linked suspect, `suspect_arrested` or `suspect_interviewed` (or a "
    "justified decision) within the limit of the suspect's `identified_at` "
    "(else `reported_at`).",
    why="Unchallenged suspects go on exploiting the child and others; delay lets them "
    "destroy evidence.",
    fix="Arrest or interview the suspect, or record the rationale for not doing so.",
)
def suspect_action(f: Frames, p: RuleParams) -> pl.DataFrame:
    limit = p.days()
    pairs = suspect_pairs(f, p)
    pairs = pairs.join(
        first_for_pair(f, pairs, SUSPECT_STEPS, "act"), on=["case_id", "person_id"], how="left"
    )
    elapsed = pl.col("act_at") - pl.col("clock")
    pending = (
        pl.col("act_at").is_null() & (pl.col("clock") + limit > pl.col("end")) & ~pl.col("closed")
    )
    pairs = pairs.with_columns(
        pstatus=pl.when(elapsed <= limit)
        .then(pl.lit("pass"))
        .when(pending)
        .then(pl.lit("pending"))
        .otherwise(pl.lit("fail")),
        pmessage=pl.when(pl.col("act_at").is_not_null() & (elapsed > limit))
        .then(
            pl.format(
                f"Suspect {{}} arrested or interviewed {{}} days after identification "
                f"(standard: within {limit_text(limit)})",
                pl.col("person_id"),
                whole_days(elapsed),
            )
        )
        .when(pending)
        .then(
            pl.format(
                "Not yet due: suspect {} to be arrested or interviewed by {}",
                pl.col("person_id"),
                day(pl.col("clock") + limit),
            )
        )
        .otherwise(
            pl.format(
                "Suspect {} not arrested or interviewed: identified {}, no action in {} days",
                pl.col("person_id"),
                day("clock"),
                whole_days(pl.col("end") - pl.col("clock")),
            )
        ),
        pevidence=pl.concat_list(pl.col("person_id"), pl.col("act_id")),
    )
    return per_case(f, p, pairs, "Arrest or interview on time")


@rule(
    "SUSPECT_PHONE",
    title="Suspect's phone seized and examined",
    family="evidence",
    checks="For each linked suspect, `suspect_phone_seized` (or justified) within the limit "
    "of identification, and `suspect_phone_examined` (or justified) before closure.",
    why="Phones hold the grooming messages, contacts and locations that prove exploitation; "
    "a seized phone that is never examined proves nothing.",
    fix="Seize the suspect's devices and submit them for examination before closing.",
)
def suspect_phone(f: Frames, p: RuleParams) -> pl.DataFrame:
    pairs = suspect_pairs(f, p)
    spec = Seizure("phone", "identified", "identification", "suspect_phone", whole_days_text)
    verdicts = seized_then_examined(f, p, pairs, spec)
    return per_case(f, p, verdicts, "Phone seized and examined on time")


@rule(
    "SUSPECT_CLOTHING",
    title="Suspect's clothing seized and examined",
    family="evidence",
    checks="For each linked suspect who was arrested, `suspect_clothing_seized` (or justified) "
    "within the limit of the suspect's first `suspect_arrested`, and "
    "`suspect_clothing_examined` (or justified) before closure.",
    why="Fibres, body fluids and DNA on a suspect's clothing corroborate a sexual offence; "
    "they are lost within a day of arrest, and a seized item never examined proves nothing.",
    fix="Seize the arrested suspect's clothing at arrest and submit it for forensic "
    "examination before the case is closed, or record why not.",
)
def suspect_clothing(f: Frames, p: RuleParams) -> pl.DataFrame:
    pairs = arrested_pairs(f, suspect_pairs(f, p))
    spec = Seizure("clothing", "arrested", "arrest", "suspect_clothing", duration)
    verdicts = seized_then_examined(f, p, pairs, spec)
    return per_case(
        f, p, verdicts, "Clothing seized and examined on time", "No arrested suspect linked"
    )
