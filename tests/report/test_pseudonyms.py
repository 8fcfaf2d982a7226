"""Pseudonyms are stable, keyed and never show names; note text loses the child's names."""

from __future__ import annotations

import datetime as dt

from caseguard.report.pseudonyms import (
    Pseudonymiser,
    age_band,
    age_on,
    scrubber_for,
)


def test_pseudonyms_are_stable_and_keyed() -> None:
    one = Pseudonymiser(b"k1")
    assert one.child("CH1") == Pseudonymiser(b"k1").child("CH1")
    assert one.child("CH1") != Pseudonymiser(b"k2").child("CH1")
    assert one.child("CH1").startswith("Child-") and len(one.child("CH1")) == 12
    assert one.adult("P1").startswith("Adult-")
    assert one.child("X") != one.adult("X")


def test_scrubber_replaces_first_last_and_full_names() -> None:
    scrub = scrubber_for("Garrin Ashcombe", "Child-ABC234")
    text = "Garrin said GARRIN's mum, Mrs Ashcombe, saw Garrin Ashcombe. Garrinson stays."
    assert scrub(text) == (
        "Child-ABC234 said Child-ABC234's mum, Mrs Child-ABC234, saw Child-ABC234. Garrinson stays."
    )
    assert scrubber_for(None, "x")("Garrin") == "Garrin"


def test_age_bands() -> None:
    born = dt.date(2010, 6, 15)
    assert age_on(born, dt.datetime(2024, 6, 14)) == 13
    assert age_on(born, dt.datetime(2024, 6, 15)) == 14
    assert age_band(13) == "13–15"
    assert age_band(None) == "age not known"
