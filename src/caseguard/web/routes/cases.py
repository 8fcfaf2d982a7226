"""The case list (htmx swaps the table as filters change) and one case's page."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from caseguard.web.auth.deps import ForCases, InCase
from caseguard.web.rendering import page
from caseguard.web.routes.params import case_filter
from caseguard.workflow.history import case_workflow
from caseguard.workspace.cases import CaseFilter, case_detail, list_cases

router = APIRouter(include_in_schema=False)


def _query(f: CaseFilter, **change: object) -> str:
    values = {
        k: v
        for k, v in {
            "grade": f.grade,
            "rule": f.rule,
            "team": f.team,
            "area": f.area,
            "category": f.category,
            "status": f.status,
            "q": f.q,
            "sort": f.sort,
            "page": f.page,
            **change,
        }.items()
        if v not in (None, "")
    }
    return urlencode(values)


@router.get("/cases")
def cases_page(
    request: Request, caller: ForCases, filters: Annotated[CaseFilter, Depends(case_filter)]
) -> Response:
    listing = list_cases(caller.settings.reader, caller.scope, filters)
    name = "_cases_table.html" if request.headers.get("hx-request") else "cases.html"
    return page(request, name, caller=caller, listing=listing, query=_query, f=filters)


@router.get("/cases/{case_id}")
def case_page(request: Request, access: InCase) -> Response:
    caller = access.caller
    view = case_detail(
        caller.settings.reader, caller.scope, access.case_id, caller.settings.key, access.found
    )
    caller.log("view_case", "case", access.case_id)
    work = case_workflow(caller.settings.reader, access.case_id, view.run)
    return page(request, "case.html", caller=caller, view=view, work=work)
