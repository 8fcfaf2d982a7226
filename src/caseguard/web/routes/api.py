"""The JSON API (OpenAPI at /api/openapi.json): bearer token or session."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from caseguard.web.auth.deps import ForCases, ForDashboard, InCase, InChild, Public
from caseguard.web.routes.params import case_filter
from caseguard.workspace.cases import CaseFilter, case_detail, list_cases
from caseguard.workspace.children import child_detail
from caseguard.workspace.runs import list_runs

router = APIRouter(prefix="/api", tags=["api"])


@router.get("/health")
def health(caller: Public) -> dict[str, str]:
    """Always ``{"status": "ok"}`` while the app answers (no login needed)."""
    return {"status": "ok"}


@router.get("/runs")
def runs(caller: ForDashboard) -> dict[str, Any]:
    """Every finished audit run, newest first."""
    return {"runs": [r.as_dict() for r in list_runs(caller.settings.reader)]}


@router.get("/cases")
def cases(caller: ForCases, filters: Annotated[CaseFilter, Depends(case_filter)]) -> dict[str, Any]:
    """The latest run's cases you may see, filtered, one page (at most 100) at a time."""
    listing = list_cases(caller.settings.reader, caller.scope, filters)
    return {
        "run_id": listing.run.run_id if listing.run else None,
        "total": listing.total,
        "page": listing.page,
        "pages": listing.pages,
        "cases": [r.as_dict() for r in listing.rows],
    }


@router.get("/cases/{case_id}")
def case(access: InCase) -> dict[str, Any]:
    """One case with its failing findings from the latest run."""
    caller = access.caller
    view = case_detail(
        caller.settings.reader, caller.scope, access.case_id, caller.settings.key, access.found
    )
    caller.log("view_case", "case", access.case_id, reason="api")
    return view.as_dict()


@router.get("/children/{pseudonym}")
def child(access: InChild) -> dict[str, Any]:
    """One child: their cases (within your teams), missing episodes, findings and links."""
    caller = access.caller
    view = child_detail(
        caller.settings.reader, caller.scope, access.child_id, caller.settings.key, access.cases
    )
    caller.log("view_child", "child", access.pseudonym, reason="api")
    return view.as_dict()
