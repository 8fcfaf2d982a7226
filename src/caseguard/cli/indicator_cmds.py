"""``caseguard indicators-eval``: how well the written-sign detector does on a labelled set."""

from __future__ import annotations

from pathlib import Path

import click

from caseguard.cli import main

SHOWN = 200


@main.command("indicators-eval")
@click.argument("labelled", type=click.Path(path_type=Path))
def indicators_eval(labelled: Path) -> None:
    """Precision, recall and F1 of the written-sign detector on a labelled CSV.

    Columns: id,label,source,text (label 1 = the sentence records a sign of exploitation that
    should count; source = the published list it was written from). A sentence counts as a sign
    when the detector counts at least one indicator in it. Misses are listed.
    """
    from caseguard.language.indicator_eval import evaluate_signs

    result = evaluate_signs(labelled)
    click.echo(
        f"sentences {result.total}  TP {result.true_positives}  FP {result.false_positives}  "
        f"FN {result.false_negatives}  TN {result.true_negatives}"
    )
    click.echo(f"precision {result.precision:.3f}  recall {result.recall:.3f}  F1 {result.f1:.3f}")
    for title, misses in (
        ("false negatives (missed)", result.missed),
        ("false positives (wrongly counted)", result.wrongly_flagged),
    ):
        click.echo(f"\n{title}: {len(misses)}")
        for miss in misses[:SHOWN]:
            rules = f"  [{', '.join(miss.rules)}]" if miss.rules else ""
            click.echo(f"  {miss.note_id}: {miss.text}{rules}")
