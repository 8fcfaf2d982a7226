"""Who may see what: the one place that says it.

Each role has a set of capabilities; a capability guards every page and API route.
Case and child data are also scoped: a supervisor sees only their own teams (with
names), ``qa`` and ``inspector`` every team under pseudonyms, and a ``qa`` user may
reveal one child's identity at a time (with a logged reason).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from caseguard.workspace import Scope


class Role(StrEnum):
    VIEWER = "viewer"
    SUPERVISOR = "supervisor"
    QA = "qa"
    INSPECTOR = "inspector"
    ADMIN = "admin"


class Capability(StrEnum):
    PUBLIC = "public"  # no login (the login page, GET /api/health)
    SIGNED_IN = "signed_in"  # any user (log out, the home page)
    DASHBOARD = "dashboard"  # dashboards, runs and their static reports
    CASES = "cases"  # case lists, case and child pages
    REVEAL = "reveal"  # reveal one child's identity, with a reason
    ADMIN = "admin"  # users, roles and the access log
    QUEUE = "queue"  # the queue of findings; challenge, not victim-blaming, assign
    OVERRIDE = "override"  # set a finding to pass or not applicable, with a reason
    CONCERNS = "concerns"  # causes of concern, their measures and charts
    CONCERNS_EDIT = "concerns_edit"  # create causes of concern and recommendations


GRANTS: dict[Role, frozenset[Capability]] = {
    Role.VIEWER: frozenset({Capability.DASHBOARD, Capability.CONCERNS}),
    Role.SUPERVISOR: frozenset(
        {Capability.DASHBOARD, Capability.CASES, Capability.QUEUE, Capability.CONCERNS}
    ),
    Role.QA: frozenset(
        {
            Capability.DASHBOARD,
            Capability.CASES,
            Capability.REVEAL,
            Capability.QUEUE,
            Capability.OVERRIDE,
            Capability.CONCERNS,
            Capability.CONCERNS_EDIT,
        }
    ),
    Role.INSPECTOR: frozenset({Capability.DASHBOARD, Capability.CASES, Capability.CONCERNS}),
    Role.ADMIN: frozenset(
        {Capability.DASHBOARD, Capability.ADMIN, Capability.CONCERNS, Capability.CONCERNS_EDIT}
    ),
}


@dataclass(frozen=True, slots=True)
class User:
    user_id: int
    name: str
    role: Role
    teams: frozenset[str] = frozenset()
    disabled: bool = False

    def may(self, capability: Capability) -> bool:
        if capability in (Capability.PUBLIC, Capability.SIGNED_IN):
            return True
        return capability in GRANTS[self.role]


def scope_for(user: User, revealed_child: str | None = None) -> Scope:
    """Which cases the user sees, and whether with names."""
    if user.role is Role.SUPERVISOR:
        return Scope(teams=user.teams, identify=True)
    if user.role is Role.QA:
        return Scope(teams=None, identify=False, revealed_child=revealed_child)
    if user.role is Role.INSPECTOR:
        return Scope(teams=None, identify=False)
    return Scope(teams=frozenset(), identify=False)  # viewer, admin: no case data
