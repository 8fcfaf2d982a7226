"""Note texts for synthetic cases, assembled from the templates in ``data/texts.yaml``."""

from __future__ import annotations

import random
from dataclasses import dataclass

from caseguard.synth.world import data

PRONOUNS = {
    "female": ("she", "her", "her", "herself"),
    "male": ("he", "him", "his", "himself"),
    "other": ("they", "them", "their", "themselves"),
    "unknown": ("they", "them", "their", "themselves"),
}


@dataclass(frozen=True)
class Voice:
    """How notes refer to one child."""

    first_name: str
    sex: str
    age: int
    reporter: str

    def fill(self, rng: random.Random, template: str, **extra: str) -> str:
        pron, obj, poss, refl = PRONOUNS[self.sex]
        texts = data("texts")
        child = self.first_name if rng.random() < 0.4 else rng.choice(["the child", "the victim"])
        slots = {
            "child": child,
            "pron": pron,
            "pron_cap": pron.capitalize(),
            "obj": obj,
            "poss": poss,
            "refl": refl,
            "age": str(self.age),
            "age_young": str(max(10, self.age - rng.randint(1, 3))),
            "adult": rng.choice(texts["adults"]),
            "place": rng.choice(data("names")["locations"]),
            "reporter_text": texts["reporters"].get(self.reporter, "A member of the public"),
            **extra,
        }
        text = template.format(**slots)
        return text[0].upper() + text[1:]


def _pick(rng: random.Random, key: str) -> str:
    return str(rng.choice(data("texts")[key]))


def report_text(rng: random.Random, voice: Voice) -> str:
    return voice.fill(rng, _pick(rng, "report"))


def log_text(rng: random.Random, voice: Voice, vbl_rate: float) -> tuple[str, str | None]:
    """A log entry; returns (text, victim-blaming words it holds or None)."""
    parts = [voice.fill(rng, _pick(rng, "log"))]
    words: str | None = None
    roll = rng.random()
    if roll < vbl_rate:
        item = rng.choice(data("texts")["victim_blaming"])
        parts.append(voice.fill(rng, item["text"]))
        words = _gendered(item["words"], voice.sex)
    elif roll < vbl_rate + 0.05:
        parts.append(voice.fill(rng, _pick(rng, "quoted")))
    elif roll < vbl_rate + 0.08:
        parts.append(voice.fill(rng, _pick(rng, "negated")))
    elif roll < vbl_rate + 0.35:
        parts.append(voice.fill(rng, _pick(rng, "neutral_child")))
    if words is None:
        rng.shuffle(parts)
    return " ".join(parts), words


def _gendered(words: str, sex: str) -> str:
    pron, _, poss, refl = PRONOUNS[sex]
    return words.replace("herself", refl).replace("she ", pron + " ").replace("her ", poss + " ")


def review_text(rng: random.Random, voice: Voice, challenge: str | None) -> str:
    if challenge is not None:
        return voice.fill(rng, _pick(rng, "challenge"), words=challenge)
    return voice.fill(rng, _pick(rng, "review"))


def closure_text(rng: random.Random, voice: Voice) -> str:
    return voice.fill(rng, _pick(rng, "closure"))


def declined_detail(kind: str) -> str | None:
    value = data("texts")["declined_detail"].get(kind)
    return str(value) if value else None


def sign_text(rng: random.Random, voice: Voice, kind: str = "signs") -> str:
    """A note recording a sign of exploitation (``signs``), or naming one that does not count
    (``signs_negated``, ``signs_quoted``)."""
    return voice.fill(rng, _pick(rng, kind))
