"""The one dependency that resolves the caller and checks what they may do.

``require(capability)`` finds the user (a session cookie, or an API bearer token),
refuses a request without one (401; a page redirects to ``/login``), refuses a role
without the capability (403), and refuses a state-changing request from a browser
session without its CSRF token (403). ``case_in_scope`` and ``child_in_scope`` add the
team check for one case or child. Every route depends on exactly one of these, which
the role × route test reads back from the route table.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import cache
from typing import Annotated, Any

from fastapi import Depends, Path, Request
from starlette.concurrency import run_in_threadpool

from caseguard.bundle.schema import ID_MAX_CHARS
from caseguard.web.auth import access, sessions, users
from caseguard.web.auth.roles import Capability, User, scope_for
from caseguard.web.settings import Settings
from caseguard.workflow.scope import finding_team
from caseguard.workspace import Scope
from caseguard.workspace.cases import CaseFound, find_case
from caseguard.workspace.children import child_cases

# No control characters (PostgreSQL cannot store a NUL, and no id or filter holds one):
# such a value is a 422 naming the field, before any look-up.
PLAIN_TEXT = r"^[^\x00-\x1f\x7f]*$"
CaseId = Annotated[str, Path(max_length=ID_MAX_CHARS, pattern=PLAIN_TEXT)]
Pseudonym = Annotated[str, Path(max_length=ID_MAX_CHARS, pattern=PLAIN_TEXT)]

COOKIE = "caseguard_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotSignedIn(Exception):
    """No live session or token (401; pages redirect to the login page)."""


class Forbidden(Exception):
    """Signed in, but not allowed (403)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class NotFound(Exception):
    """No such case, child or run (404)."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


@dataclass(frozen=True)
class Caller:
    user: User
    session: sessions.Session | None  # None: an API bearer token
    scope: Scope
    client: str
    settings: Settings

    def log(
        self,
        action: str,
        subject_type: str | None = None,
        subject_id: str | None = None,
        reason: str | None = None,
        outcome: str = "ok",
    ) -> None:
        access.append(
            self.settings.engine,
            access.Entry(
                action,
                outcome,
                self.user.name,
                self.user.role.value,
                subject_type,
                subject_id,
                self.client,
                reason,
            ),
        )

    @property
    def csrf(self) -> str:
        return self.session.csrf_token if self.session else ""


def settings_of(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def client_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _caller(request: Request) -> Caller | None:
    settings = settings_of(request)
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        user = users.user_for_token(settings.reader, header[7:].strip())
        if user is None:
            return None
        return Caller(user, None, scope_for(user), client_of(request), settings)
    secret = request.cookies.get(COOKIE)
    if not secret:
        return None
    found = sessions.lookup(settings.reader, secret, settings.idle)
    if found is None:
        return None
    session, user = found
    if user.disabled:
        return None
    scope = scope_for(user, session.revealed_child)
    return Caller(user, session, scope, client_of(request), settings)


async def _check_csrf(request: Request, caller: Caller) -> None:
    if request.method in SAFE_METHODS or caller.session is None:
        return
    sent = request.headers.get(CSRF_HEADER)
    if not sent:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not sent or not hmac.compare_digest(sent, caller.session.csrf_token):
        raise Forbidden("the form's security token is missing or out of date: reload the page")


@cache
def require(capability: Capability) -> Callable[[Request], Awaitable[Caller | None]]:
    """The dependency for routes that need ``capability`` (cached: one per capability)."""

    async def dependency(request: Request) -> Caller | None:
        caller = await run_in_threadpool(_caller, request)  # store reads off the event loop
        request.state.caller = caller  # error pages show who is signed in
        if capability is Capability.PUBLIC:
            return caller
        if caller is None:
            raise NotSignedIn()
        if not caller.user.may(capability):
            raise Forbidden(f"your role ({caller.user.role.value}) cannot open this page")
        await _check_csrf(request, caller)
        return caller

    dependency.capability = capability  # type: ignore[attr-defined]
    return dependency


SignedIn = Annotated[Caller, Depends(require(Capability.SIGNED_IN))]
Public = Annotated[Caller | None, Depends(require(Capability.PUBLIC))]
ForDashboard = Annotated[Caller, Depends(require(Capability.DASHBOARD))]
ForCases = Annotated[Caller, Depends(require(Capability.CASES))]
ForReveal = Annotated[Caller, Depends(require(Capability.REVEAL))]
ForAdmin = Annotated[Caller, Depends(require(Capability.ADMIN))]


@dataclass(frozen=True)
class CaseAccess:
    caller: Caller
    case_id: str
    found: CaseFound  # its team, child and that child's cases (None: only in an audit run)


@dataclass(frozen=True)
class ChildAccess:
    caller: Caller
    child_id: str
    pseudonym: str
    cases: list[dict[str, object]]  # every case row of the child (read for the team check)


def case_in_scope(case_id: CaseId, caller: ForCases) -> CaseAccess:
    found = find_case(caller.settings.reader, case_id)
    if not found.known:
        raise NotFound("case")
    if not caller.scope.sees_team(found.team):
        caller.log("view_case", "case", case_id, outcome="refused")
        raise Forbidden("this case belongs to a team outside yours")
    return CaseAccess(caller, case_id, found)


def _child(pseudonym: str, caller: Caller) -> ChildAccess:
    child_id = caller.settings.children.child_id(pseudonym)
    if child_id is None:
        raise NotFound("child")
    cases = child_cases(caller.settings.reader, child_id)
    teams = {None if c["team"] is None else str(c["team"]) for c in cases}
    if caller.scope.teams is not None and not any(caller.scope.sees_team(t) for t in teams):
        caller.log("view_child", "child", pseudonym, outcome="refused")
        raise Forbidden("this child has no case in your teams")
    return ChildAccess(caller, child_id, pseudonym, cases)


def child_in_scope(pseudonym: Pseudonym, caller: ForCases) -> ChildAccess:
    return _child(pseudonym, caller)


def child_to_reveal(pseudonym: Pseudonym, caller: ForReveal) -> ChildAccess:
    return _child(pseudonym, caller)


InCase = Annotated[CaseAccess, Depends(case_in_scope)]
InChild = Annotated[ChildAccess, Depends(child_in_scope)]
ToReveal = Annotated[ChildAccess, Depends(child_to_reveal)]


def capability_of(dependant: Any) -> list[Capability]:
    """Every capability a route's dependencies require (for the role × route test)."""
    found = []
    for dep in dependant.dependencies:
        cap = getattr(dep.call, "capability", None)
        if cap is not None:
            found.append(cap)
        found.extend(capability_of(dep))
    return found


ForQueue = Annotated[Caller, Depends(require(Capability.QUEUE))]
ForConcerns = Annotated[Caller, Depends(require(Capability.CONCERNS))]
ForConcernsEdit = Annotated[Caller, Depends(require(Capability.CONCERNS_EDIT))]


@dataclass(frozen=True)
class FindingAccess:
    caller: Caller
    finding_id: int


def finding_in_scope(
    finding_id: Annotated[int, Path(ge=1, le=2**31 - 1)], caller: ForQueue
) -> FindingAccess:
    """A finding (any run) on a case of the caller's teams."""
    known, team = finding_team(caller.settings.reader, finding_id)
    if not known:
        raise NotFound("finding")
    if not caller.scope.sees_team(team):
        caller.log("decide", "finding", str(finding_id), outcome="refused")
        raise Forbidden("this finding is on a case of a team outside yours")
    return FindingAccess(caller, finding_id)


def check_may(caller: Caller, capability: Capability) -> None:
    """For a route whose body says what it needs (a decision's kind): 403 without it."""
    if not caller.user.may(capability):
        raise Forbidden(f"your role ({caller.user.role.value}) cannot do this")


InFinding = Annotated[FindingAccess, Depends(finding_in_scope)]
