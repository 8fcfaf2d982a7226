"""The scrubber's quick test for a small index (no name part in the text: text kept)
gives exactly what the full word-by-word scrub gives, on texts made to be hard."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from caseguard.privacy import names
from caseguard.privacy.names import NameIndex, own_names, scrub

PEOPLE = (
    ("Child-AAAAAA", "Zoe Ashcombe"),
    ("Child-BBBBBB", "Mary-Jane O'Neill"),
    ("Child-CCCCCC", "Drew Young"),
)
WORDS = ["zoe", "Zoe", "ZOE", "zoesmith", "zoeashcombe", "Ashcombe's", "o'neill", "O`Neill",
         "drew", "Drew", "young", "jo", "mary-jane", "met", "at", "the", "park", "Child-AAAAAA",
         "[name]", "Zoë", "café", "  ", ", ", ".", "\n", "_", "2012"]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=12), st.booleans(), st.booleans())
def test_quick_test_changes_nothing(words: list[str], own: bool, strict: bool) -> None:
    text = " ".join(words)
    index = NameIndex.build(PEOPLE)
    mine = own_names(PEOPLE[0][1], PEOPLE[0][0]) if own else None
    quick = scrub(text, index, mine, strict=strict)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(names, "PREFILTER_KEYS", -1)  # the quick test off
        full = scrub(text, index, mine, strict=strict)
    assert quick == full
