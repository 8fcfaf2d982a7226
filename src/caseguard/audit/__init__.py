"""Audits: every case against the standards, written as cases.csv, findings.jsonl,
summary.json and report.html."""

from caseguard.audit.runner import AuditResult, Progress, findings_for, run_audit
from caseguard.audit.stats import wilson_interval

__all__ = ["AuditResult", "Progress", "findings_for", "run_audit", "wilson_interval"]
