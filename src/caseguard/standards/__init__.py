"""The investigation standards: rules, rubric, findings and grades.

Rules are small registered functions, one module per family; thresholds,
severities and grade rules are data (``rubric.yaml``).
"""

from caseguard.standards.engine import ChunkResult, evaluate, run_rules, select_rules
from caseguard.standards.frames import Frames
from caseguard.standards.grading import grade_of
from caseguard.standards.records import Finding, Grade, Severity, Status, SubjectType
from caseguard.standards.registry import Rule, all_rules
from caseguard.standards.rubric import Rubric, RuleParams, load_rubric

__all__ = [
    "ChunkResult",
    "Finding",
    "Frames",
    "Grade",
    "Rubric",
    "Rule",
    "RuleParams",
    "Severity",
    "Status",
    "SubjectType",
    "all_rules",
    "evaluate",
    "grade_of",
    "load_rubric",
    "run_rules",
    "select_rules",
]
