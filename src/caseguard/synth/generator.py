"""Deterministic synthetic case bundles that read like a force's records.

Each child gets one to three investigations. Each case follows a plausible
timeline (report → first action → contacts → reviews → closure) whose quality
depends on a profile: *good* cases meet the standards, *patchy* and *poor* ones miss
some (late first action, child never seen, no supervisory review, suspect's phone
never examined at closure, missing episodes never linked). Children in exploitation
cases go missing, some again and again, and are found with adults from a small set
of networks, so the same adults appear with several children. Rows are yielded one
at a time: memory does not grow with the number of cases.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field

from caseguard.synth import notes
from caseguard.synth.world import Row, Team, World, adult_row, build_world, data

START = dt.datetime(2023, 1, 2, 8, 0)
REPORT_SPAN_DAYS = 700
END = dt.datetime(2025, 3, 31, 18, 0)
ALL = frozenset({"cse", "cce", "csa", "missing", "other"})
EXPLOIT = frozenset({"cse", "cce"})
SEXUAL = frozenset({"cse", "csa"})
CRIME = frozenset({"cse", "cce", "csa"})

# (action kind, due in days, categories it is expected in)
PLAN: tuple[tuple[str, float, frozenset[str]], ...] = (
    ("safeguarding_referral", 1, ALL),
    ("child_seen", 7, ALL),
    ("child_views_recorded", 21, ALL),
    ("risk_assessment", 7, frozenset({"cse", "cce", "missing"})),
    ("strategy_discussion", 3, CRIME),
    ("abe_interview", 28, SEXUAL),
    ("forensic_medical", 7, SEXUAL),
    ("clothing_seized", 7, SEXUAL),
    ("cctv_requested", 14, CRIME),
    ("nrm_referral", 28, frozenset({"cce"})),
)


@dataclass(frozen=True)
class Profile:
    timely: float  # chance an expected action is done in time
    late: float  # chance it is done, but late (else it is missing)
    review: float  # chance supervision keeps to time
    vbl: float  # chance a log note holds victim-blaming language
    challenge: float  # chance a supervisor challenges it
    drift: float  # chance of a long gap with nothing recorded
    linked: float  # chance a missing episode is linked and risk-graded properly


PROFILES = {
    "good": Profile(0.97, 0.03, 0.97, 0.005, 0.9, 0.0, 0.95),
    "patchy": Profile(0.75, 0.17, 0.7, 0.04, 0.5, 0.2, 0.6),
    "poor": Profile(0.4, 0.3, 0.3, 0.1, 0.1, 0.5, 0.25),
}
PROFILE_WEIGHTS = (("good", 0.3), ("patchy", 0.4), ("poor", 0.3))
CATEGORY_WEIGHTS = (("cse", 0.35), ("cce", 0.25), ("csa", 0.15), ("missing", 0.15), ("other", 0.1))


def _weighted(rng: random.Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p[0] for p in pairs], [p[1] for p in pairs])[0]


def ts(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M")


@dataclass
class Counters:
    case: int = 0
    note: int = 0
    action: int = 0
    episode: int = 0
    person: int = 0


@dataclass
class CaseDraft:
    case_id: str
    category: str
    profile: Profile
    reported_at: dt.datetime
    closed_at: dt.datetime | None
    team: Team
    voice: notes.Voice
    rows: list[tuple[str, Row]] = field(default_factory=list)

    @property
    def end(self) -> dt.datetime:
        return self.closed_at or END

    def within(self, moment: dt.datetime) -> bool:
        return self.reported_at <= moment <= self.end


class Generator:
    """Yields ``(table, row)`` pairs for a bundle of ``n_cases`` cases."""

    def __init__(self, n_cases: int, seed: int) -> None:
        self.n_cases = n_cases
        self.seed = seed
        self.rng = random.Random(seed)
        self.world: World = build_world(self.rng, n_cases)
        self.count = Counters()
        # Standards 1.1 additions draw from their own stream, so the rest of a seed's bundle
        # is the same as before they were added.
        self.extra = random.Random(f"{seed}:standards-1.1")

    def rows(self) -> Iterator[tuple[str, Row]]:
        for row in self.world.staff_rows:
            yield "staff", row
        for row in self.world.network_rows(random.Random(f"{self.seed}:networks")):
            yield "persons", row
        child_no = 0
        while self.count.case < self.n_cases:
            child_no += 1
            yield from self._child(child_no)

    # children -----------------------------------------------------------------
    def _child(self, number: int) -> Iterator[tuple[str, Row]]:
        rng = self.rng
        names = data("names")
        sex = rng.choices(["female", "male", "other", "unknown"], [0.6, 0.36, 0.02, 0.02])[0]
        first = rng.choice(names["first_names"].get(sex, names["first_names"]["other"]))
        first_report = START + dt.timedelta(days=rng.uniform(0, REPORT_SPAN_DAYS))
        age = rng.choices([11, 12, 13, 14, 15, 16, 17], [2, 5, 12, 20, 25, 22, 14])[0]
        dob = (first_report - dt.timedelta(days=365.25 * age + rng.uniform(1, 360))).date()
        child_id = f"CH{number:06d}"
        yield (
            "children",
            {
                "child_id": child_id,
                "date_of_birth": dob.isoformat(),
                "sex": sex,
                "looked_after": rng.choice(["yes", "no", "no", "no"]),
                "local_authority": rng.choice(names["local_authorities"]),
                "display_name": f"{first} {rng.choice(names['surnames'])}",
            },
        )
        n_cases = min(rng.choices([1, 2, 3], [0.75, 0.2, 0.05])[0], self.n_cases - self.count.case)
        network = self.world.network(rng.randrange(self.world.network_count))
        reported = first_report
        drafts: list[CaseDraft] = []
        for _ in range(n_cases):
            voice = notes.Voice(first, sex, age, "")
            draft = self._case(child_id, reported, voice, network)
            drafts.append(draft)
            yield from draft.rows
            draft.rows = []
            reported = reported + dt.timedelta(days=rng.uniform(20, 200))
            if reported > END - dt.timedelta(days=10):
                break
        yield from self._episodes(child_id, first_report, drafts, network)

    # cases ----------------------------------------------------------------------
    def _case(
        self, child_id: str, reported: dt.datetime, voice: notes.Voice, network: list[str]
    ) -> CaseDraft:
        rng = self.rng
        self.count.case += 1
        category = _weighted(rng, CATEGORY_WEIGHTS)
        profile = PROFILES[_weighted(rng, PROFILE_WEIGHTS)]
        closed_at: dt.datetime | None = reported + dt.timedelta(days=rng.uniform(20, 260))
        if closed_at is None or closed_at > END or rng.random() < 0.03:
            closed_at = None
        team = rng.choice(self.world.teams)
        reporter = rng.choice(
            ["parent", "carer", "school", "social_care", "health", "police", "child"]
        )
        voice = notes.Voice(voice.first_name, voice.sex, voice.age, reporter)
        draft = CaseDraft(
            f"K{self.count.case:07d}", category, profile, reported, closed_at, team, voice
        )
        draft.rows.append(("cases", self._case_row(draft, child_id, reporter)))
        self._first_steps(draft)
        self._plan_actions(draft)
        if category in CRIME and rng.random() < 0.75:
            self._suspect(draft, network)
        self._victim_updates(draft)
        self._notes(draft)
        self._signs(draft)
        return draft

    def _case_row(self, draft: CaseDraft, child_id: str, reporter: str) -> Row:
        rng = self.rng
        offence = rng.choice(data("names")["offences"][draft.category])
        return {
            "case_id": draft.case_id,
            "child_id": child_id,
            "reference": f"CR/{draft.reported_at.year}/{self.count.case:07d}",
            "category": draft.category,
            "offence": offence,
            "reported_at": ts(draft.reported_at),
            "reporter": reporter,
            "status": "closed" if draft.closed_at else "open",
            "closed_at": ts(draft.closed_at) if draft.closed_at else None,
            "outcome": rng.choice(["1", "15", "16", "14", "18"]) if draft.closed_at else None,
            "team": draft.team.name,
            "area": draft.team.area,
        }

    def _action(
        self,
        draft: CaseDraft,
        kind: str,
        at: dt.datetime,
        outcome: str = "done",
        person: str | None = None,
        detail: str | None = None,
        rng: random.Random | None = None,
    ) -> None:
        if not draft.within(at):
            return
        self.count.action += 1
        draft.rows.append(
            (
                "actions",
                {
                    "action_id": f"A{self.count.action:08d}",
                    "case_id": draft.case_id,
                    "kind": kind,
                    "at": ts(at),
                    "by": (rng or self.rng).choice(draft.team.officers),
                    "outcome": outcome,
                    "person_id": person,
                    "detail": detail,
                },
            )
        )

    def _when(
        self, draft: CaseDraft, due_days: float, start: dt.datetime | None = None
    ) -> dt.datetime | None:
        """When an expected step happens under the case's profile (None: never)."""
        start = start or draft.reported_at
        roll = self.rng.random()
        if roll < draft.profile.timely:
            return start + dt.timedelta(days=self.rng.uniform(0.02, due_days * 0.9))
        if roll < draft.profile.timely + draft.profile.late:
            return start + dt.timedelta(days=due_days * self.rng.uniform(1.1, 4.0))
        return None

    def _first_steps(self, draft: CaseDraft) -> None:
        first = self._when(draft, 1.0)
        if first is None:
            first = draft.reported_at + dt.timedelta(days=self.rng.uniform(2, 12))
        self._action(draft, "child_contacted", first)

    def _plan_actions(self, draft: CaseDraft) -> None:
        rng = self.rng
        for kind, due, categories in PLAN:
            if draft.category not in categories:
                continue
            if kind == "clothing_seized" and rng.random() < 0.5:
                continue
            at = self._when(draft, due)
            if at is None:
                detail = notes.declined_detail(kind)
                if detail and rng.random() < 0.35:
                    outcome = "declined" if kind == "abe_interview" else "not_required"
                    self._action(
                        draft,
                        kind,
                        draft.reported_at + dt.timedelta(days=rng.uniform(1, due)),
                        outcome,
                        detail=detail,
                    )
                continue
            self._action(draft, kind, at)
            self._follow_up(draft, kind, at)

    def _follow_up(self, draft: CaseDraft, kind: str, at: dt.datetime) -> None:
        rng = self.rng
        follow = {"cctv_requested": "cctv_viewed", "clothing_seized": "clothing_examined"}
        if kind in follow and rng.random() < 0.7:
            self._action(draft, follow[kind], at + dt.timedelta(days=rng.uniform(2, 30)))
        if kind == "child_seen" and rng.random() < 0.5:
            self._action(draft, "child_seen", at + dt.timedelta(days=rng.uniform(10, 40)))
        if kind == "abe_interview" and rng.random() < 0.1:
            self._action(draft, kind, at + dt.timedelta(days=1), "failed")

    def _suspect(self, draft: CaseDraft, network: list[str]) -> None:
        rng = self.rng
        if draft.category in EXPLOIT and rng.random() < 0.6:
            person = rng.choice(network)
        else:
            self.count.person += 1
            person = f"P{self.count.person:07d}"
            draft.rows.append(("persons", adult_row(rng, person, "suspect")))
        identified = draft.reported_at + dt.timedelta(days=rng.uniform(0, 10))
        draft.rows.append(
            (
                "case_persons",
                {
                    "case_id": draft.case_id,
                    "person_id": person,
                    "role": "suspect",
                    "identified_at": ts(identified),
                },
            )
        )
        self._action(draft, "suspect_identified", identified, person=person)
        self._suspect_steps(draft, person, identified)
        if draft.category == "cse" and rng.random() < 0.3:
            self._action(
                draft,
                "cawn_issued",
                identified + dt.timedelta(days=rng.uniform(1, 30)),
                person=person,
            )
        if draft.category == "cce" and rng.random() < 0.4:
            self._action(
                draft,
                "disruption",
                identified + dt.timedelta(days=rng.uniform(1, 40)),
                person=person,
            )

    def _suspect_steps(self, draft: CaseDraft, person: str, identified: dt.datetime) -> None:
        rng = self.rng
        arrested = self._when(draft, 28, identified)
        if arrested is not None:
            self._action(draft, "suspect_arrested", arrested, person=person)
            self._action(
                draft,
                "suspect_interviewed",
                arrested + dt.timedelta(hours=rng.uniform(3, 20)),
                person=person,
            )
            if draft.category in SEXUAL:
                self._suspect_clothing(draft, person, arrested)
            if rng.random() < 0.3:
                self._action(
                    draft,
                    "suspect_charged",
                    arrested + dt.timedelta(days=rng.uniform(20, 120)),
                    person=person,
                )
        seized = self._when(draft, 14, identified)
        if seized is None:
            return
        self._action(draft, "suspect_phone_seized", seized, person=person)
        if rng.random() < draft.profile.timely:
            self._action(
                draft,
                "suspect_phone_examined",
                seized + dt.timedelta(days=rng.uniform(5, 60)),
                person=person,
            )

    def _suspect_clothing(self, draft: CaseDraft, person: str, arrested: dt.datetime) -> None:
        """The arrested suspect's clothing: seized at arrest (or late, or never), then examined."""
        rng, profile = self.extra, draft.profile
        roll = rng.random()
        if roll < profile.timely:
            seized = arrested + dt.timedelta(hours=rng.uniform(0.5, 20))
        elif roll < profile.timely + profile.late:
            seized = arrested + dt.timedelta(days=rng.uniform(1.2, 6))
        else:
            detail = notes.declined_detail("suspect_clothing_seized")
            if rng.random() < 0.3:
                at = arrested + dt.timedelta(hours=2)
                self._action(
                    draft, "suspect_clothing_seized", at, "not_required", person, detail, rng
                )
                why = "No clothing seized, so none to examine (see the seizure decision)."
                self._action(
                    draft, "suspect_clothing_examined", at, "not_required", person, why, rng
                )
            return
        self._action(draft, "suspect_clothing_seized", seized, person=person, rng=rng)
        if rng.random() < profile.timely:
            examined = seized + dt.timedelta(days=rng.uniform(5, 60))
            self._action(draft, "suspect_clothing_examined", examined, person=person, rng=rng)

    def _victim_updates(self, draft: CaseDraft) -> None:
        rng = self.rng
        gap = (20, 27) if rng.random() < draft.profile.review else (25, 60)
        moment = draft.reported_at + dt.timedelta(days=rng.uniform(*gap))
        while moment < draft.end:
            self._action(draft, "victim_update", moment)
            moment += dt.timedelta(days=rng.uniform(*gap))

    # notes ----------------------------------------------------------------------
    def _note(self, draft: CaseDraft, kind: str, at: dt.datetime, text: str, author: str) -> None:
        if not draft.within(at):
            return
        self.count.note += 1
        draft.rows.append(
            (
                "notes",
                {
                    "note_id": f"N{self.count.note:08d}",
                    "case_id": draft.case_id,
                    "author_id": author,
                    "written_at": ts(at),
                    "kind": kind,
                    "text": text,
                },
            )
        )

    def _notes(self, draft: CaseDraft) -> None:
        rng, voice, team = self.rng, draft.voice, draft.team
        self._note(
            draft,
            "report",
            draft.reported_at + dt.timedelta(minutes=rng.randint(5, 240)),
            notes.report_text(rng, voice),
            rng.choice(team.officers),
        )
        pending = self._logs(draft)
        self._reviews(draft, pending)
        if draft.closed_at and rng.random() < 0.6 + 0.4 * draft.profile.review:
            self._note(
                draft,
                "closure",
                draft.closed_at,
                notes.closure_text(rng, voice),
                rng.choice(team.officers),
            )

    def _logs(self, draft: CaseDraft) -> list[tuple[dt.datetime, str]]:
        """Log notes through the open period; returns victim-blaming words to challenge."""
        rng = self.rng
        found: list[tuple[dt.datetime, str]] = []
        moment = draft.reported_at + dt.timedelta(days=rng.uniform(0.5, 4))
        while moment < draft.end:
            text, words = notes.log_text(rng, draft.voice, draft.profile.vbl)
            self._note(draft, "log", moment, text, rng.choice(draft.team.officers))
            if words:
                found.append((moment, words))
            gap = (
                rng.uniform(30, 70)
                if rng.random() < draft.profile.drift * 0.3
                else rng.uniform(6, 26)
            )
            moment += dt.timedelta(days=gap)
        return found

    def _reviews(self, draft: CaseDraft, to_challenge: list[tuple[dt.datetime, str]]) -> None:
        rng = self.rng
        timely = rng.random() < draft.profile.review
        if not timely and rng.random() < 0.4:
            return  # never supervised
        moment = draft.reported_at + dt.timedelta(
            days=rng.uniform(1, 6) if timely else rng.uniform(9, 30)
        )
        gap = (10, 26) if timely else (25, 60)
        supervisor = rng.choice(draft.team.supervisors)
        while moment < draft.end:
            challenge = None
            if to_challenge and to_challenge[0][0] < moment:
                _written, words = to_challenge.pop(0)
                if rng.random() < draft.profile.challenge:
                    challenge = words
            self._note(
                draft, "review", moment, notes.review_text(rng, draft.voice, challenge), supervisor
            )
            moment += dt.timedelta(days=rng.uniform(*gap))
        if draft.closed_at and timely:
            before = draft.closed_at - dt.timedelta(days=rng.uniform(0.1, 10))
            self._note(
                draft, "review", before, notes.review_text(rng, draft.voice, None), supervisor
            )

    # signs of exploitation (standards 1.1) ------------------------------------------
    def _signs(self, draft: CaseDraft) -> None:
        """Notes recording signs (any category), some negated or quoted; in missing and other
        cases the signs are acted on (risk assessment, then strategy discussion) or not."""
        rng = self.extra
        last = min(draft.end, draft.reported_at + dt.timedelta(days=120))
        days = max((last - draft.reported_at).total_seconds() / 86400, 0.2)
        officer = rng.choice(draft.team.officers)
        if rng.random() < 0.35:
            for _ in range(rng.choice([1, 1, 2])):
                at = draft.reported_at + dt.timedelta(days=rng.uniform(0.1, days))
                self._note(draft, "log", at, notes.sign_text(rng, draft.voice), officer)
        if rng.random() < 0.15:
            kind = rng.choice(["signs_negated", "signs_quoted"])
            at = draft.reported_at + dt.timedelta(days=rng.uniform(0.1, days))
            self._note(draft, "log", at, notes.sign_text(rng, draft.voice, kind), officer)
        if draft.category in ("missing", "other"):
            self._act_on_signs(draft)

    def _act_on_signs(self, draft: CaseDraft) -> None:
        """Under the case's profile, a risk assessment after the first written sign and a
        strategy discussion after the second (or the first, for a child aged 13 or under)."""
        from caseguard.language.signs import written_signs

        rng, profile = self.extra, draft.profile
        times = sorted(
            dt.datetime.fromisoformat(str(row["written_at"]))
            for table, row in draft.rows
            if table == "notes" and written_signs(str(row["text"]))
        )
        if not times or rng.random() >= profile.timely:
            return
        first = times[0] + dt.timedelta(days=rng.uniform(0.1, 6))
        self._action(draft, "risk_assessment", first, rng=rng)
        trigger = times[0] if draft.voice.age <= 13 else (times[1] if len(times) > 1 else None)
        if trigger is not None and rng.random() < profile.timely:
            kind = rng.choice(["strategy_discussion", "safeguarding_referral"])
            self._action(draft, kind, trigger + dt.timedelta(days=rng.uniform(0.1, 6)), rng=rng)

    # missing episodes -----------------------------------------------------------
    def _episodes(
        self, child_id: str, first_report: dt.datetime, cases: list[CaseDraft], network: list[str]
    ) -> Iterator[tuple[str, Row]]:
        rng = self.rng
        exploited = any(c.category in EXPLOIT or c.category == "missing" for c in cases)
        if not exploited and rng.random() > 0.1:
            return
        count = rng.choices([0, 1, 2, 3, 4, 6, 9], [3, 4, 3, 3, 2, 1, 1])[0]
        profile = PROFILES[_weighted(rng, PROFILE_WEIGHTS)]
        moment = first_report + dt.timedelta(days=rng.uniform(-40, 30))
        for _ in range(count):
            if moment > END - dt.timedelta(days=2):
                break
            row = self._episode(child_id, moment, profile, network if exploited else [])
            if rng.random() < profile.linked:
                row["case_id"] = _covering_case(cases, moment)
            yield "missing_episodes", row
            moment += dt.timedelta(days=rng.uniform(4, 45))

    def _episode(
        self, child_id: str, reported: dt.datetime, profile: Profile, network: list[str]
    ) -> Row:
        rng = self.rng
        self.count.episode += 1
        good = rng.random() < profile.linked
        row: Row = {
            "episode_id": f"ME{self.count.episode:07d}",
            "child_id": child_id,
            "reported_at": ts(reported),
            "risk_grade": rng.choice(["medium", "high"] if good else ["no_apparent_risk", "low"]),
            "case_id": None,
        }
        returned = reported + dt.timedelta(hours=rng.uniform(3, 96))
        if returned >= END:
            return row  # still missing
        row["returned_at"] = ts(returned)
        row["found_location"] = rng.choice(data("names")["locations"])
        if network and rng.random() < 0.45:
            row["found_with_person_id"] = rng.choice(network)
        hours = rng.uniform(4, 70) if good else rng.uniform(80, 300)
        offered = returned + dt.timedelta(hours=hours)
        if offered < END and rng.random() < 0.85:
            row["return_interview_offered_at"] = ts(offered)
            done = offered + dt.timedelta(hours=rng.uniform(1, 48))
            if done < END and rng.random() < 0.6:
                row["return_interview_completed_at"] = ts(done)
        return row


def _covering_case(cases: list[CaseDraft], moment: dt.datetime) -> str:
    """The child's case open at ``moment``, else the nearest one reported before it."""
    for case in cases:
        if case.within(moment):
            return case.case_id
    earlier = [c for c in cases if c.reported_at <= moment]
    return (earlier[-1] if earlier else cases[0]).case_id
