"""Pseudonyms are stable and keyed; ages are shown in bands (names in text: tests/security)."""

from __future__ import annotations

import datetime as dt

from caseguard.report.pseudonyms import (
    Pseudonymiser,
    age_band,
    age_on,
)


def test_pseudonyms_are_stable_and_keyed() -> None:
    one = Pseudonymiser(b"k1")
    assert one.child("CH1") == Pseudonymiser(b"k1").child("CH1")
    assert one.child("CH1") != Pseudonymiser(b"k2").child("CH1")
    assert one.child("CH1").startswith("Child-") and len(one.child("CH1")) == 12
    assert one.adult("P1").startswith("Adult-")
    assert one.child("X") != one.adult("X")


def test_age_bands() -> None:
    born = dt.date(2010, 6, 15)
    assert age_on(born, dt.datetime(2024, 6, 14)) == 13
    assert age_on(born, dt.datetime(2024, 6, 15)) == 14
    assert age_band(13) == "13–15"
    assert age_band(None) == "age not known"
