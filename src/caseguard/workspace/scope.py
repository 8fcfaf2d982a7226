"""What one user may see of the case data: which teams, and whether with names."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    teams: frozenset[str] | None  # None: every team
    identify: bool = False  # children's names and record ids shown
    revealed_child: str | None = None  # one child a qa user revealed, with a reason

    def sees_team(self, team: str | None) -> bool:
        return self.teams is None or (team is not None and team in self.teams)

    def names_child(self, child_id: str) -> bool:
        return self.identify or child_id == self.revealed_child
