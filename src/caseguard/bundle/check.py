"""Validate a whole bundle quickly: the block validator, for a report only.

``check_bundle`` gives exactly the report ``validate_bundle`` gives (the same counts
and every problem, word for word: ``tests/bundle/test_fast_equivalence.py``), but
reads certainly-clean rows a block at a time with Polars instead of one by one.
Loads still use the row validator, which also keeps each rejected row's cells.
"""

from __future__ import annotations

from collections.abc import Callable

from caseguard.bundle.fast import FastValidator
from caseguard.bundle.layouts import Bundle
from caseguard.bundle.validate import ValidationReport


def check_bundle(
    bundle: Bundle, progress: Callable[[str, int], None] | None = None
) -> ValidationReport:
    """Validate every row of ``bundle``; ``progress(table, rows)`` after each block."""
    report = ValidationReport(bundle.path, bundle.layout)
    for table, frame in FastValidator().bundle_frames(bundle, report):
        if progress is not None:
            progress(table, frame.height)
    return report
