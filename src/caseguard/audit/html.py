"""A first, plain ``report.html``: headline grades, rule failures, inadequate cases.

Self-contained (inline CSS, no scripts). Kept apart so the rich report
(``caseguard.report``) can replace it; it reads only the audit's own outputs.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

from jinja2 import Environment, select_autoescape

from caseguard.privacy.spreadsheet import unguard

LISTED = 500

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>caseguard audit</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;max-width:70rem;color:#1b1b1b}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #bbb;padding:.3rem .6rem}
th{background:#eee;text-align:left}td.n{text-align:right}
</style></head><body>
<h1>caseguard audit</h1>
<p>Source: {{ s.source }} &middot; as of {{ s.as_of }} &middot; {{ s.cases }} cases &middot;
rubric: {{ s.rubric }}</p>
<h2>Grades</h2>
<table><tr><th>grade</th><th>cases</th><th>proportion</th><th>95% interval</th></tr>
{% for g, v in s.grades.items() %}<tr><td>{{ g.replace('_', ' ') }}</td>
<td class="n">{{ v.count }}</td><td class="n">{{ pct(v.proportion) }}</td>
<td class="n">{{ pct(v.ci95[0]) }} – {{ pct(v.ci95[1]) }}</td></tr>{% endfor %}
</table>
<h2>Failures by rule</h2>
<table><tr><th>rule</th><th>subject</th><th>fail</th><th>pass</th><th>not applicable</th>
<th>failure rate</th></tr>
{% for r, v in rules %}<tr><td>{{ r }}</td><td>{{ v.subject_type }}</td>
<td class="n">{{ v.fail }}</td><td class="n">{{ v["pass"] }}</td>
<td class="n">{{ v.not_applicable }}</td><td class="n">{{ rate(v) }}</td></tr>{% endfor %}
</table>
<h2>Inadequate cases</h2>
<p>{{ inadequate_total }} cases{% if inadequate_total > inadequate|length %}
(the first {{ inadequate|length }} listed; all are in cases.csv){% endif %}.</p>
<table><tr><th>case</th><th>category</th><th>critical</th><th>major</th><th>minor</th>
<th>failed rules</th></tr>
{% for c in inadequate %}<tr><td>{{ c.case_id }}</td><td>{{ c.category }}</td>
<td class="n">{{ c.critical }}</td><td class="n">{{ c.major }}</td><td class="n">{{ c.minor }}</td>
<td>{{ c.failed_rules.replace(';', ', ') }}</td></tr>{% endfor %}
</table>
</body></html>
"""


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def _rate(counts: dict[str, Any]) -> str:
    applied = counts["pass"] + counts["fail"]
    return _pct(counts["fail"] / applied if applied else None)


def write_html(out_dir: Path, summary: dict[str, Any]) -> Path:
    """Write ``report.html`` beside ``cases.csv`` and return its path."""
    inadequate: list[dict[str, str]] = []
    total = 0
    with (out_dir / "cases.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row["grade"] == "inadequate":
                total += 1
                if len(inadequate) < LISTED:
                    inadequate.append({k: unguard(v) for k, v in row.items()})
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    page = env.from_string(TEMPLATE).render(
        s=summary,
        rules=sorted(summary["rules"].items(), key=lambda kv: (-kv[1]["fail"], kv[0])),
        inadequate=inadequate,
        inadequate_total=total,
        pct=_pct,
        rate=_rate,
    )
    path = out_dir / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
