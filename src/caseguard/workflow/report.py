"""The evidence pack for inspectors: every cause of concern, its recommendations and
measures with their charts and status, and the decisions recorded on the measured
rules (HTML, and PDF through the report's WeasyPrint path)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from jinja2 import Environment, FileSystemLoader, select_autoescape

from caseguard.errors import UsageError
from caseguard.report.pdf import write_pdf
from caseguard.store.workflow_tables import finding_decisions
from caseguard.workflow.charts import control_chart, run_chart
from caseguard.workflow.concerns import concern_views
from caseguard.workflow.grades import overrides_applied
from caseguard.workflow.measures import DEFAULT_K
from caseguard.workflow.measures import __doc__ as RULES_TEXT
from caseguard.workspace.runs import latest_run

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=select_autoescape(["html"]),
)


def _decisions_by_rule(engine: sa.Engine) -> dict[str, Counter[str]]:
    fd = finding_decisions.c
    query = sa.select(fd.rule, fd.decision, sa.func.count()).group_by(fd.rule, fd.decision)
    out: dict[str, Counter[str]] = {}
    with engine.connect() as conn:
        for rule, decision, count in conn.execute(query):
            out.setdefault(rule, Counter())[decision] = int(count)
    return out


def render(engine: sa.Engine, k: int = DEFAULT_K) -> str:
    run = latest_run(engine)
    return TEMPLATES.get_template("concerns_report.html").render(
        concerns=concern_views(engine, k),
        decisions=_decisions_by_rule(engine),
        overrides=overrides_applied(engine, run.run_id) if run else 0,
        run=run,
        k=k,
        rules_text=RULES_TEXT,
        run_chart=run_chart,
        control_chart=control_chart,
        made=dt.datetime.now(dt.UTC).strftime("%-d %b %Y %H:%M UTC"),
    )


def write_report(
    engine: sa.Engine, out: Path, formats: tuple[str, ...] = ("html", "pdf"), k: int = DEFAULT_K
) -> list[Path]:
    """Write ``concerns.html`` and/or ``concerns.pdf`` into ``out``; the paths written."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the folder: {exc.strerror}", path=str(out)) from None
    html = render(engine, k)
    written = []
    if "html" in formats:
        path = out / "concerns.html"
        path.write_text(html, encoding="utf-8")
        written.append(path)
    if "pdf" in formats:
        written.append(write_pdf(html, out / "concerns.pdf", out))
    return written
