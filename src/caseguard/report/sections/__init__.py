"""The report's sections: each builds its figures, tables and charts from the context."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Section:
    """One section: an anchor id, a heading, its template and the values it shows."""

    id: str
    title: str
    template: str
    values: dict[str, Any] = field(default_factory=dict)
