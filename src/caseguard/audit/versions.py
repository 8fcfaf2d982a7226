"""Which rubric and lexicon an audit used, as short versions recorded with its run."""

from __future__ import annotations

import hashlib
import json

from caseguard.standards.rubric import Rubric


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def rubric_version(rubric: Rubric) -> str:
    """``v1-3f2a…``: the rubric's own version and a digest of every value it holds."""
    body = json.dumps(rubric.data, sort_keys=True, default=str)
    return f"v{rubric.data.get('version', '?')}-{_digest(body)}"


def lexicon_version(language: bool, custom_screen: bool) -> str | None:
    """A digest of the shipped lexicon; ``custom`` for a screen the caller gave; None off."""
    if not language:
        return None
    if custom_screen:
        return "custom"
    from caseguard.language.lexicon import DEFAULT_PATH

    return f"lexicon-{_digest(DEFAULT_PATH.read_text(encoding='utf-8'))}"
