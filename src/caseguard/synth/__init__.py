"""Synthetic case bundles: invented, deterministic for a seed, realistic, any size."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

from caseguard.synth.generator import Generator
from caseguard.synth.writers import FORMATS, write_bundle

__all__ = ["FORMATS", "Generator", "synthesise"]


def synthesise(
    cases: int,
    seed: int,
    out: str | Path,
    fmt: str = "csv",
    progress: Callable[[str], None] | None = None,
) -> tuple[Path, Counter[str]]:
    """Write a synthetic bundle of ``cases`` cases; return its path and rows per table."""
    counts: Counter[str] = Counter()

    def counted() -> Iterator[tuple[str, dict[str, str | None]]]:
        for table, row in Generator(cases, seed).rows():
            counts[table] += 1
            if progress is not None:
                progress(table)
            yield table, row

    path = write_bundle(counted(), Path(out), fmt)
    return path, counts
