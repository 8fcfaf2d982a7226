"""Case bundles: the schema, the layout readers and the validator."""

from caseguard.bundle.layouts import Bundle, open_bundle
from caseguard.bundle.schema import TABLE_BY_NAME, TABLE_NAMES, TABLES, Column, Kind, Table
from caseguard.bundle.validate import (
    Accepted,
    Outcome,
    Rejected,
    RowProblem,
    ValidationReport,
    Validator,
    validate_bundle,
)

__all__ = [
    "TABLES",
    "TABLE_BY_NAME",
    "TABLE_NAMES",
    "Accepted",
    "Bundle",
    "Column",
    "Kind",
    "Outcome",
    "Rejected",
    "RowProblem",
    "Table",
    "ValidationReport",
    "Validator",
    "open_bundle",
    "validate_bundle",
]
