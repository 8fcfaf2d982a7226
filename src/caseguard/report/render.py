"""Turn a report context into HTML pages: the report, one page per case, one per child."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from caseguard import __version__
from caseguard.privacy.secrets import display_url, looks_like_conninfo
from caseguard.report.audit_dir import GRADE_LABELS
from caseguard.report.chronology import case_timeline, child_timeline
from caseguard.report.context import ReportContext
from caseguard.report.data import Case
from caseguard.report.pages import PageNames
from caseguard.report.pseudonyms import age_band
from caseguard.report.sections import (
    Section,
    exploitation,
    headline,
    inadequate,
    language,
    missing,
    reinspection,
    rules,
    timeliness,
)
from caseguard.report.times import ZONE_NOTE, when_text
from caseguard.standards.rubric import default_rubric_data

Tick = Callable[[str, int, int | None], None]
TITLE = "Case-file audit: child exploitation and missing children"
BUILDERS: tuple[Callable[[ReportContext], Section | None], ...] = (
    headline.build,
    rules.build,
    timeliness.build,
    language.build,
    missing.build,
    exploitation.build,
    inadequate.build,
    reinspection.build,
)


def environment(pages: PageNames | None = None) -> Environment:
    env = Environment(
        loader=PackageLoader("caseguard.report", "templates"),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["when"] = when_text
    env.globals["case_page"] = (pages or PageNames()).case
    env.filters["n"] = number
    return env


def number(value: int | float) -> str:
    """A count the way every page writes one: with thousands separators (``4,514``)."""
    return f"{value:,}"


def _css() -> str:
    return resources.files("caseguard.report").joinpath("templates/style.css").read_text("utf-8")


class Renderer:
    """Writes the pages of one report into ``out_dir``."""

    def __init__(
        self, ctx: ReportContext, out_dir: Path, privacy: str, pages: PageNames | None = None
    ) -> None:
        self.ctx = ctx
        self.out = out_dir
        self.page_names = pages or PageNames(ctx.data.cases)  # a worker is given every case's
        self.env = environment(self.page_names)
        self.privacy = privacy
        self.sections: dict[str, Section] = {}
        self.common: dict[str, Any] = {
            "css": _css(),
            "identify": ctx.pseudo.identify,
            "as_of": when_text(ctx.now),
            "version": __version__,
            "generated": when_text(dt.datetime.now(dt.UTC)),
            "zone_note": ZONE_NOTE,
            "paged": ctx.paged_cases,
            "audit_name": ctx.audit.path.name,
        }

    def report_html(self, tick: Tick | None = None) -> str:
        sections = []
        for build in BUILDERS:
            if tick is not None:
                tick("building the report's sections", 1, len(BUILDERS))
            section = build(self.ctx)
            if section is not None:
                sections.append(section)
        self.sections = {s.id: s for s in sections}
        n = len(self.ctx.audit.cases)
        about = (
            f"{n:,} cases audited against caseguard's investigation standards, "
            f"version {default_rubric_data()['standards']}, "
            f"as at {when_text(self.ctx.now)}. {ZONE_NOTE} Case records were read from "
            f"{shown_source(self.ctx.data.source)}."
        )
        return self.env.get_template("report.html").render(
            **self.common,
            title=TITLE,
            home=None,
            sections=sections,
            headline=sections[0],
            about=about,
            privacy=self.privacy,
            lead=_lead(sections[0]),
        )

    def inadequate_rows(self) -> list[dict[str, Any]]:
        """Every inadequate case, as the report's section listed them (built once)."""
        section = self.sections.get("inadequate") or inadequate.build(self.ctx)
        rows: list[dict[str, Any]] = section.values["all_rows"]
        return rows

    def pages(self, case_ids: list[str], tick: Tick | None = None) -> tuple[list[Path], list[Path]]:
        """The pages of ``case_ids`` and of their children (in worker processes when many)."""
        from caseguard.report.page_workers import write_pages

        return write_pages(self, case_ids, tick)

    def case_pages(self, case_ids: list[str] | None = None) -> list[Path]:
        folder = self.out / "cases"
        folder.mkdir(parents=True, exist_ok=True)
        template = self.env.get_template("case.html")
        written = []
        rows = self.ctx.case_rows
        wanted = [c.case_id for c in self.ctx.audit.cases] if case_ids is None else case_ids
        for case_id in wanted:
            case = self.ctx.data.cases.get(case_id)
            row = rows.get(case_id)
            if case is None or row is None:
                continue
            failed = [
                replace(f, message=self.ctx.clean(f.message, case.child_id))
                for f in self.ctx.findings_on("case", case.case_id)
                if f.status == "fail"
            ]
            html = template.render(
                **self.common,
                **self._child_values(case),
                title=f"Case {case.case_id}",
                home="../report.html",
                case=case,
                offence=self.ctx.scrubber(case.child_id)(case.offence or ""),
                row=row,
                failed=failed,
                grade_label=GRADE_LABELS.get(row.grade, row.grade),
                events=case_timeline(self.ctx, case),
                show_case=False,
                case_prefix="",
            )
            written.append(_write(folder / self.page_names.case(case.case_id), html))
        return written

    def _child_values(self, case: Case) -> dict[str, Any]:
        return {
            "child_label": self.ctx.child_label(case.child_id),
            "child_file": self.ctx.pseudo.file_stem(case.child_id),
            "child_name": self.ctx.child_name(case.child_id),
            "age_band": age_band(self.ctx.age_at(case.child_id, case.reported_at)),
        }

    def child_pages(self, case_ids: list[str] | None = None) -> list[Path]:
        folder = self.out / "children"
        folder.mkdir(parents=True, exist_ok=True)
        template = self.env.get_template("child.html")
        audited = set(self.ctx.case_rows) if case_ids is None else set(case_ids)
        child_ids = sorted(
            {c.child_id for c in self.ctx.data.cases.values() if c.case_id in audited}
        )
        written = []
        for child_id in child_ids:
            child = self.ctx.data.children.get(child_id)
            label = self.ctx.child_label(child_id)
            html = template.render(
                **self.common,
                title=f"Chronology for {label}",
                home="../report.html",
                child_label=label,
                child_name=self.ctx.child_name(child_id),
                age_band=age_band(self.ctx.age_at(child_id, self.ctx.now)),
                looked_after=bool(child and child.looked_after),
                cases=self.ctx.data.cases_of(child_id),
                episodes=len(self.ctx.data.episodes.get(child_id, ())),
                events=child_timeline(self.ctx, child_id),
                show_case=True,
                case_prefix="../cases/",
            )
            stem = self.ctx.pseudo.file_stem(child_id)
            written.append(_write(folder / f"{stem}.html", html))
        return written


def shown_source(source: str) -> str:
    """The store as its display form (secrets masked), or a bundle by its file name."""
    if "://" in source or looks_like_conninfo(source):
        return display_url(source)
    return Path(source).name


def _lead(section: Section) -> str:
    rows = {r["grade"]: r for r in section.values["rows"]}
    bad = rows["inadequate"]
    return (
        f"{bad['count']:,} of {bad['n']:,} cases were inadequate ({bad['pct']:.1f}%, "
        f"95% CI {bad['ci']}); {rows['requires_improvement']['count']:,} required improvement "
        f"and {rows['good']['count']:,} were good."
    )


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
