"""Case and child pages, written in worker processes when there are many.

Pages are cut into batches of whole children (a child's page and all their cases'
pages in one batch); each batch carries only its own records, findings and
audit rows to a worker, which renders them with the same templates.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from caseguard.report.audit_dir import Audit, CaseRow, Finding
from caseguard.report.data import CaseData
from caseguard.report.pages import PageNames

if TYPE_CHECKING:
    from caseguard.report.render import Renderer

BATCH_CHILDREN = 250
IN_PROCESS = 600  # fewer pages than this are written here: starting workers costs more
Tick = Callable[[str, int, int | None], None]
PHASE = "writing case and child pages"


@dataclass(frozen=True)
class PageBatch:
    """What one worker needs to render the pages of a few children."""

    out: Path
    privacy: str
    key: bytes
    identify: bool
    longer: dict[tuple[str, str], int]
    now: Any
    audit_path: Path
    paged: frozenset[str]
    cases: list[CaseRow]
    findings: list[Finding]
    data: CaseData
    case_ids: list[str]
    pages: PageNames


def write_pages(
    renderer: Renderer, case_ids: list[str], tick: Tick | None = None
) -> tuple[list[Path], list[Path]]:
    """Every page of ``case_ids`` and their children; the case and child pages written."""
    if not case_ids:
        return [], []
    workers = os.cpu_count() or 1
    if len(case_ids) < IN_PROCESS or workers < 2:
        written = _render(renderer, case_ids)
        _tick(tick, len(case_ids), len(case_ids))
        return written
    batches = _batches(renderer, case_ids)
    return _in_workers(batches, min(workers, len(batches)), len(case_ids), tick)


def _tick(tick: Tick | None, n: int, total: int) -> None:
    if tick is not None:
        tick(PHASE, n, total)


def _in_workers(
    batches: list[PageBatch], workers: int, total: int, tick: Tick | None
) -> tuple[list[Path], list[Path]]:
    cases: list[Path] = []
    children: list[Path] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(render_batch, b): len(b.case_ids) for b in batches}
        for future in as_completed(futures):
            one, two = future.result()
            cases += one
            children += two
            _tick(tick, futures[future], total)
    return sorted(cases), sorted(children)


def _batches(renderer: Renderer, case_ids: list[str]) -> list[PageBatch]:
    ctx = renderer.ctx
    by_child: dict[str, list[str]] = {}
    for case_id in case_ids:
        by_child.setdefault(ctx.data.cases[case_id].child_id, []).append(case_id)
    children = sorted(by_child)
    batches = []
    for start in range(0, len(children), BATCH_CHILDREN):
        group = children[start : start + BATCH_CHILDREN]
        wanted = [c for child in group for c in by_child[child]]
        data = ctx.data.subset(group)
        subjects = _subjects(data)
        batches.append(
            PageBatch(
                renderer.out,
                renderer.privacy,
                ctx.pseudo.key,
                ctx.pseudo.identify,
                dict(ctx.pseudo.longer),
                ctx.now,
                ctx.audit.path,
                ctx.paged_cases,
                [ctx.case_rows[c] for c in data.cases if c in ctx.case_rows],
                [f for s in subjects for f in ctx.case_findings.get(s, ())],
                data,
                wanted,
                renderer.page_names,
            )
        )
    return batches


def _subjects(data: CaseData) -> list[str]:
    keys = [f"case:{c}" for c in data.cases] + [f"child:{c}" for c in data.children]
    keys += [f"episode:{e.episode_id}" for eps in data.episodes.values() for e in eps]
    return keys


def _render(renderer: Renderer, case_ids: list[str]) -> tuple[list[Path], list[Path]]:
    return renderer.case_pages(case_ids), renderer.child_pages(case_ids)


def render_batch(batch: PageBatch) -> tuple[list[Path], list[Path]]:
    """In a worker: the batch's pages, rendered from its own records."""
    from caseguard.report.context import ReportContext
    from caseguard.report.pseudonyms import Pseudonymiser
    from caseguard.report.render import Renderer

    audit = Audit(batch.audit_path, batch.cases, batch.findings)
    pseudo = Pseudonymiser(batch.key, identify=batch.identify, longer=batch.longer)
    ctx = ReportContext(audit, batch.data, pseudo, batch.now, paged_cases=batch.paged)
    return _render(Renderer(ctx, batch.out, batch.privacy, batch.pages), batch.case_ids)
