"""``caseguard export challenges``: challenges recorded in caseguard, as bundle notes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from caseguard.cli.options import db_option, out_path
from caseguard.cli.report_cmds import export as export_group


@export_group.command("challenges")
@db_option
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    required=True,
    metavar="DATE",
    help="Challenges recorded on or after this day (YYYY-MM-DD).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    callback=out_path(False),
    required=True,
    metavar="FILE",
    help="The CSV file to write: rows of the bundle's notes table (kind review).",
)
def export_challenges_cmd(db: str | None, since: dt.datetime, out: Path) -> None:
    """Write challenges as review notes (note_id,case_id,author_id,written_at,kind,text).

    The author is the supervisor's staff id where their user has one. Add the rows to the
    bundle's notes table; the next audit sees them and LANGUAGE_CHALLENGED passes.
    """
    from caseguard.store import Store
    from caseguard.workflow.export import export_challenges

    with Store.open(db) as store:
        count = export_challenges(store.engine, since.date(), out)
    click.echo(f"{count} challenge(s) written to {out}")
