"""Re-inspection: how each grade and rule changed between two audits.

For each measure the change is ``B − A`` in the proportion of cases, in
percentage points, with a 95% Newcombe hybrid score interval (method 10, built
from two Wilson intervals) and a pooled two-proportion z-test with a two-sided
p-value. A comparison runs one test per grade and per rule, so by chance alone
some would pass p < 0.05: the p-values are adjusted with Holm's step-down method
over all of the comparison's tests, and a change is called significant only when
its adjusted p-value is below 0.05.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from typing import Any

from caseguard.report.audit_dir import GRADE_LABELS, GRADES, Audit
from caseguard.report.stats import holm_adjust, newcombe_difference, two_proportion_z_test

ALPHA = 0.05
METHOD = (
    "Newcombe hybrid score interval (method 10); pooled two-proportion z-test, two-sided; "
    "p-values adjusted for multiple testing with Holm's step-down method over all the tests"
)


@dataclass(frozen=True, slots=True)
class Change:
    """One measure in audit A and audit B, and the change between them."""

    kind: str  # "grade" or "rule"
    name: str
    a_count: int
    a_n: int
    b_count: int
    b_n: int
    diff: float
    low: float
    high: float
    z: float
    p_value: float
    p_adjusted: float = 1.0

    @property
    def a_pct(self) -> float:
        return 100 * self.a_count / self.a_n if self.a_n else 0.0

    @property
    def b_pct(self) -> float:
        return 100 * self.b_count / self.b_n if self.b_n else 0.0

    @property
    def significant(self) -> bool:
        """Significant after Holm's adjustment over every test in the comparison."""
        return self.p_adjusted < ALPHA


def _change(kind: str, name: str, a: tuple[int, int], b: tuple[int, int]) -> Change:
    ci = newcombe_difference(a[0], a[1], b[0], b[1])
    test = two_proportion_z_test(a[0], a[1], b[0], b[1])
    return Change(
        kind, name, a[0], a[1], b[0], b[1], ci.estimate, ci.low, ci.high, test.z, test.p_value
    )


def _rule_counts(audit: Audit) -> dict[str, tuple[int, int]]:
    """Failed and checked per rule (rules checked on nothing are left out)."""
    return {r: (c.failed, c.checked) for r, c in audit.rule_counts().items() if c.checked}


def compare_audits(a: Audit, b: Audit) -> list[Change]:
    """Every grade, then every rule found in either audit (failure rates)."""
    grades_a, grades_b = a.grade_counts(), b.grade_counts()
    n_a, n_b = sum(grades_a.values()), sum(grades_b.values())
    changes = [
        _change("grade", GRADE_LABELS[g], (grades_a[g], n_a), (grades_b[g], n_b)) for g in GRADES
    ]
    rules_a, rules_b = _rule_counts(a), _rule_counts(b)
    for rule in sorted(set(rules_a) | set(rules_b)):
        changes.append(_change("rule", rule, rules_a.get(rule, (0, 0)), rules_b.get(rule, (0, 0))))
    adjusted = holm_adjust([c.p_value for c in changes])
    return [replace(c, p_adjusted=p) for c, p in zip(changes, adjusted, strict=True)]


def as_json(a: Audit, b: Audit, changes: list[Change]) -> str:
    rows: list[dict[str, Any]] = []
    for c in changes:
        row = asdict(c)
        row["significant"] = c.significant
        rows.append(row)
    payload = {
        "a": str(a.path),
        "b": str(b.path),
        "method": METHOD,
        "confidence": 0.95,
        "multiple_testing": {"method": "holm", "tests": len(changes), "alpha": ALPHA},
        "changes": rows,
    }
    return json.dumps(payload, indent=2)


def as_text(a: Audit, b: Audit, changes: list[Change]) -> str:
    lines = [
        f"A: {a.path} ({len(a.cases)} cases)",
        f"B: {b.path} ({len(b.cases)} cases)",
        f"Change = B − A; {METHOD}.",
        "",
    ]
    header = f"{'measure':<32}{'A':>18}{'B':>18}{'change, pp (95% CI)':>30}{'p':>9}{'Holm p':>9}"
    lines.append(header)
    for c in changes:
        label = f"{c.kind}: {c.name}"
        lines.append(
            f"{label:<32}{f'{c.a_count:,}/{c.a_n:,} {c.a_pct:.1f}%':>18}"
            f"{f'{c.b_count:,}/{c.b_n:,} {c.b_pct:.1f}%':>18}"
            f"{f'{c.diff * 100:+.1f} ({c.low * 100:+.1f} to {c.high * 100:+.1f})':>30}"
            f"{_p(c.p_value):>9}{_p(c.p_adjusted):>9}{' *' if c.significant else ''}"
        )
    lines.append("")
    lines.append("pp = percentage points.")
    lines.append(
        f"* significant at the 5% level after Holm's adjustment over all {len(changes)} tests "
        "(Holm p < 0.05)"
    )
    return "\n".join(lines)


def _p(p: float) -> str:
    return "<0.001" if p < 0.001 else f"{p:.3f}"
