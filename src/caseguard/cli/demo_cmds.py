"""``caseguard demo``: the README's main job on the embedded synthetic default."""

from __future__ import annotations

from pathlib import Path

import click
from rich.console import Console

from caseguard.cli import main
from caseguard.cli.bundle_cmds import load_into
from caseguard.cli.progress import count_progress
from caseguard.synth import synthesise

out = Console()


@main.command()
@click.option(
    "--out", "out_dir", type=click.Path(path_type=Path), default=Path("demo"), show_default=True
)
@click.option("--cases", type=click.IntRange(min=1), default=3000, show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True)
def demo(out_dir: Path, cases: int, seed: int) -> None:
    """Synthesise a bundle, validate it and load it into a SQLite store in OUT."""
    bundle_dir = out_dir / "bundle"
    with count_progress("Generating synthetic cases", cases) as advance:
        synthesise(cases, seed, bundle_dir, "csv", progress=lambda t: advance(t == "cases"))
    out.print(f"Synthetic bundle: {bundle_dir}")
    db_path = out_dir / "caseguard.db"
    load_into(bundle_dir, str(db_path))
    out.print(f"Store: {db_path}")
