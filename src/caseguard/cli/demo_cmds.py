"""``caseguard demo``: the README's main job on the embedded synthetic default.

Synthesise a bundle, validate and load it into a SQLite store, audit every case,
write the report, and print a short summary.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

import click
from rich.console import Console
from rich.table import Table

from caseguard.cli import main
from caseguard.cli.audit_cmds import print_report_paths
from caseguard.cli.bundle_cmds import load_into
from caseguard.cli.options import out_path
from caseguard.cli.progress import count_progress, stage_progress

if TYPE_CHECKING:  # the libraries are imported by the command
    from caseguard.audit import AuditResult

out = Console()
GRADES = ("good", "requires_improvement", "inadequate")


@main.command()
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    default=Path("demo"),
    show_default=True,
    callback=out_path(True),
)
@click.option("--cases", type=click.IntRange(min=1), default=3000, show_default=True)
@click.option("--seed", type=int, default=2024, show_default=True)
@click.option(
    "--history",
    type=click.IntRange(min=0, max=24),
    default=3,
    show_default=True,
    help="Earlier monthly audit runs to record first, so causes of concern have a series.",
)
def demo(out_dir: Path, cases: int, seed: int, history: int) -> None:
    """Synthesise a bundle, load it into SQLite, audit every case and write the report.

    Everything goes into OUT: bundle/, caseguard.db and audit/ (report.html,
    report.pdf, cases.csv, findings.jsonl, summary.json, case and child pages).
    """
    from caseguard.audit import run_audit
    from caseguard.report import build_report, load_key
    from caseguard.store import Store
    from caseguard.synth import synthesise
    from caseguard.workflow.demo import demo_concern, history_runs

    audit_dir = out_dir / "audit"
    key = load_key(None, audit_dir)  # a key problem stops the demo before it starts
    bundle_dir = out_dir / "bundle"
    with count_progress("Generating synthetic cases", cases) as advance:
        synthesise(cases, seed, bundle_dir, "csv", progress=lambda t: advance(t == "cases"))
    out.print(f"Synthetic bundle: {bundle_dir}", soft_wrap=True)
    db_path = out_dir / "caseguard.db"
    load_into(bundle_dir, str(db_path))
    with stage_progress(f"Recording {history} earlier monthly audit runs") as tick:
        tick("history")
        history_runs(str(db_path), out_dir, history, key.key)
    with stage_progress("Auditing") as tick:
        result = run_audit(
            str(db_path), audit_dir, progress=tick, key=key.key, record_in=str(db_path)
        )
    with stage_progress("Writing the report") as tick:
        tick("report")
        report = build_report(audit_dir, audit_dir, data_source=str(db_path), key=key)
    _summary(result)
    print_report_paths(report)
    with Store.open(str(db_path)) as store:
        demo_concern(store.engine)
    _web_admin(db_path)


def _web_admin(db_path: Path) -> None:
    """A demo admin with a new password (printed once), and how to start the web app."""
    from caseguard.store import Store
    from caseguard.web.auth import demo_admin

    with Store.open(str(db_path)) as store:
        name, password = demo_admin(store.engine)
    out.print("\n[bold]The web workspace[/]", soft_wrap=True)
    out.print(f"Start it:  caseguard serve --db {db_path}", soft_wrap=True)
    out.print("Then open http://127.0.0.1:8000/ and sign in as", soft_wrap=True)
    out.print(f"  user: {name}\n  password: {password}", soft_wrap=True, highlight=False)
    out.print(
        "(shown once; add more users with `caseguard users add NAME --role ROLE --db "
        f"{db_path}` or on the Users page)",
        soft_wrap=True,
    )


def _summary(result: AuditResult) -> None:
    total = sum(result.grades.values()) or 1
    table = Table("grade", "cases", "share", title=f"Audit of {result.cases:,} cases")
    for grade in GRADES:
        n = result.grades.get(grade, 0)
        table.add_row(grade.replace("_", " "), f"{n:,}", f"{n / total:.1%}")
    out.print(table)
    failed = Counter({rule: counts.get("fail", 0) for rule, counts in result.rules.items()})
    top = Table("rule", "failed", "checked", "share", title="Most-failed rules")
    for rule, n in failed.most_common(5):
        checked = n + result.rules[rule].get("pass", 0)
        top.add_row(rule, f"{n:,}", f"{checked:,}", f"{n / (checked or 1):.0%}")
    out.print(top)
