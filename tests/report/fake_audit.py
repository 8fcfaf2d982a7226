"""A stand-in for ``caseguard audit`` that writes the output file contracts.

Used only until (or where) the real audit engine is not available: it applies a
handful of simplified rules to a synthetic bundle so reports have realistic
figures to draw. It is not the rulebook.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Any

from caseguard.report.data import Case, CaseData, load_case_data

DAY = dt.timedelta(days=1)
PHRASES = ("placing herself at risk", "placing himself at risk", "promiscuous", "regular misper")


def _first(data: CaseData, case: Case, kind: str) -> dt.datetime | None:
    times = [a.at for a in data.actions.get(case.case_id, []) if a.kind == kind]
    return min(times) if times else None


def _case_findings(data: CaseData, case: Case) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []

    def add(rule: str, ok: bool, severity: str, evidence: list[str], msg: str) -> None:
        out.append(
            {
                "rule": rule,
                "subject_type": "case",
                "subject_id": case.case_id,
                "status": "pass" if ok else "fail",
                "severity": None if ok else severity,
                "message": "" if ok else msg,
                "evidence": evidence,
            }
        )

    seen = _first(data, case, "child_seen")
    add(
        "SEEN",
        seen is not None and seen - case.reported_at <= 7 * DAY,
        "critical" if seen is None else "major",
        [case.case_id],
        "The child was not seen in 7 days",
    )
    acts = sorted(a.at for a in data.actions.get(case.case_id, []))
    add(
        "FIRST_ACTION",
        bool(acts) and acts[0] - case.reported_at <= DAY,
        "major",
        [case.case_id],
        "No action within 24 hours",
    )
    ref = _first(data, case, "safeguarding_referral")
    add(
        "REFERRAL",
        ref is not None and ref - case.reported_at <= DAY,
        "critical" if ref is None else "major",
        [case.case_id],
        "Referral late or missing",
    )
    bad = [
        n.note_id
        for n in data.notes.get(case.case_id, [])
        if any(p in n.text.lower() for p in PHRASES)
    ]
    add("LANGUAGE", not bad, "minor", bad, "Victim-blaming language in notes")
    return out


def _grade(findings: list[dict[str, Any]]) -> tuple[str, int, int, int]:
    sev = [f["severity"] for f in findings if f["status"] == "fail"]
    c, m, n = sev.count("critical"), sev.count("major"), sev.count("minor")
    if c or m >= 3:
        return "inadequate", c, m, n
    if m or n >= 3:
        return "requires_improvement", c, m, n
    return "good", c, m, n


def _episode_findings(data: CaseData) -> list[dict[str, Any]]:
    out = []
    for episodes in data.episodes.values():
        for e in episodes:
            if e.returned_at is None:
                continue
            offered = e.return_interview_offered_at
            ok = offered is not None and offered - e.returned_at <= 3 * DAY
            out.append(
                {
                    "rule": "RETURN_INTERVIEW",
                    "subject_type": "episode",
                    "subject_id": e.episode_id,
                    "status": "pass" if ok else "fail",
                    "severity": None if ok else "major",
                    "message": "" if ok else "No return interview offered in 72 hours",
                    "evidence": [e.episode_id],
                }
            )
    return out


def write_fake_audit(bundle: Path, out: Path, *, record_source: bool = True) -> Path:
    data = load_case_data(bundle)
    out.mkdir(parents=True, exist_ok=True)
    findings: list[dict[str, Any]] = []
    rows = []
    for case in data.cases.values():
        found = _case_findings(data, case)
        findings += found
        grade, c, m, n = _grade(found)
        failed = sorted({f["rule"] for f in found if f["status"] == "fail"})
        rows.append([case.case_id, case.category, grade, c, m, n, ";".join(failed)])
    findings += _episode_findings(data)
    with (out / "cases.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            ["case_id", "category", "grade", "critical", "major", "minor", "failed_rules"]
        )
        writer.writerows(rows)
    with (out / "findings.jsonl").open("w", encoding="utf-8") as handle:
        for f in findings:
            handle.write(json.dumps(f) + "\n")
    summary: dict[str, Any] = {"cases": len(rows)}
    if record_source:
        summary["source"] = str(bundle)
    (out / "summary.json").write_text(json.dumps(summary), encoding="utf-8")
    return out
