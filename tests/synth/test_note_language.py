"""The synthetic notes and the language screen agree: neutral templates are never
flagged, victim-blaming ones always are, quotes/negations/challenges are not findings."""

from __future__ import annotations

import random

import pytest

from caseguard.language import screen_note
from caseguard.synth import notes
from caseguard.synth.world import data

VOICES = [
    notes.Voice("Amarra", "female", 14, "parent"),
    notes.Voice("Bram", "male", 15, "school"),
    notes.Voice("Ash", "other", 13, "social_care"),
]
NEUTRAL = ("report", "log", "review", "closure", "neutral_child", "quoted", "negated")


def _filled(template: str, challenge: str = "") -> list[str]:
    out = []
    for seed in range(6):
        rng = random.Random(seed)
        for voice in VOICES:
            out.append(
                voice.fill(rng, template, words=challenge)
                if challenge
                else voice.fill(rng, template)
            )
    return out


@pytest.mark.parametrize(
    "template", [t for key in NEUTRAL for t in data("texts")[key]], ids=lambda t: t[:40]
)
def test_neutral_templates_are_not_flagged(template: str) -> None:
    for text in _filled(template):
        assert not screen_note(text, child_age=14).findings, text


@pytest.mark.parametrize("item", data("texts")["victim_blaming"], ids=lambda i: i["words"])
def test_victim_blaming_templates_are_flagged(item: dict[str, str]) -> None:
    for text in _filled(item["text"]):
        assert screen_note(text, child_age=14).findings, text


@pytest.mark.parametrize("template", data("texts")["challenge"], ids=lambda t: t[:40])
def test_challenges_are_challenges_not_findings(template: str) -> None:
    for item in data("texts")["victim_blaming"]:
        for text in _filled(template, item["words"])[:3]:
            screening = screen_note(text, child_age=14)
            assert not screening.findings, text
            assert screening.challenges, text
