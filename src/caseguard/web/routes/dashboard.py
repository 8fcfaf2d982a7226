"""The dashboard, the list of audit runs, and each run's static report."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, Response

from caseguard.web.auth.deps import ForDashboard, NotFound
from caseguard.web.rendering import page
from caseguard.workflow.grades import overrides_applied
from caseguard.workspace.dashboard import BREAKDOWNS, dashboard
from caseguard.workspace.runs import get_run, list_runs

router = APIRouter(include_in_schema=False)


@router.get("/dashboard")
def dashboard_page(request: Request, caller: ForDashboard) -> Response:
    engine = caller.settings.reader
    board = dashboard(engine)
    overrides = overrides_applied(engine, board.run.run_id) if board else 0
    return page(
        request,
        "dashboard.html",
        caller=caller,
        board=board,
        breakdowns=BREAKDOWNS,
        overrides=overrides,
    )


@router.get("/runs")
def runs_page(request: Request, caller: ForDashboard) -> Response:
    return page(request, "runs.html", caller=caller, runs=list_runs(caller.settings.reader))


@router.get("/runs/{run_id}/report.{fmt}")
def run_report(
    caller: ForDashboard,
    run_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    fmt: Literal["html", "pdf"],
) -> Response:
    run = get_run(caller.settings.reader, run_id)
    path = run.report_file(fmt) if run else None
    if path is None:
        raise NotFound(f"{fmt.upper()} report for this run")
    caller.log("download_report", "run", str(run_id))
    media = "text/html" if fmt == "html" else "application/pdf"
    return FileResponse(path, media_type=media, filename=f"caseguard-run-{run_id}.{fmt}")
