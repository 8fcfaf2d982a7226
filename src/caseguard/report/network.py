"""Groups of children linked through adults, each drawn as its own small picture (SVG).

The links form a graph (NetworkX); each connected group of children and the adults
linking them is one picture, largest group first. A group is drawn in two
columns, adults on the left and children on the right, one row per person, in the
order that keeps lines from crossing where it can (each child placed at the
mean row of its adults). One row per label means labels never overlap, and the
picture is as tall as its group needs, so it never runs past the margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
from markupsafe import Markup, escape

ROW = 18  # px per person: taller than a label, so labels cannot overlap
TOP = 14
LABEL_W = 118  # room for a pseudonym (Adult-XXXXXX) in 10 px type
WIDTH = 2 * LABEL_W + 150
ADULT_X = LABEL_W + 10
CHILD_X = WIDTH - LABEL_W - 10
FONT = 10


@dataclass(frozen=True, slots=True)
class Link:
    child: str  # label
    adult: str  # label
    how: str  # "found with" or "case"


@dataclass(frozen=True, slots=True)
class Group:
    """One connected group: its adults and children (labels), and its links."""

    adults: tuple[str, ...]
    children: tuple[str, ...]
    links: tuple[Link, ...]

    @property
    def size(self) -> int:
        return len(self.adults) + len(self.children)


def groups(links: list[Link]) -> list[Group]:
    """Connected groups of the links, largest first (then by their first label)."""
    graph: nx.Graph[tuple[str, str]] = nx.Graph()
    by_adult: dict[str, set[Link]] = {}
    for link in links:
        graph.add_edge(("adult", link.adult), ("child", link.child))
        by_adult.setdefault(link.adult, set()).add(link)
    out = []
    for nodes in nx.connected_components(graph):
        adults = tuple(sorted(n for kind, n in nodes if kind == "adult"))
        children = tuple(sorted(n for kind, n in nodes if kind == "child"))
        own = tuple(sorted((lk for a in adults for lk in by_adult[a]), key=_link_key))
        out.append(Group(adults, children, own))
    return sorted(out, key=lambda g: (-g.size, -len(g.children), g.adults))


def _link_key(link: Link) -> tuple[str, str, str]:
    return (link.adult, link.child, link.how)


def rows(group: Group) -> dict[str, tuple[float, float]]:
    """Where each person sits: adults in the left column, children in the right."""
    adult_row = {a: i for i, a in enumerate(group.adults)}
    links: dict[str, list[int]] = {}
    for link in group.links:
        links.setdefault(link.child, []).append(adult_row[link.adult])
    children = sorted(group.children, key=lambda c: (sum(links[c]) / len(links[c]), c))
    tallest = max(len(group.adults), len(children))
    pos: dict[str, tuple[float, float]] = {}
    for column, names, x in ((0, group.adults, ADULT_X), (1, children, CHILD_X)):
        offset = (tallest - len(names)) * ROW / 2
        for i, name in enumerate(names):
            pos[f"{column}:{name}"] = (x, TOP + offset + i * ROW)
    return pos


def height(group: Group) -> int:
    return TOP * 2 + max(len(group.adults), len(group.children)) * ROW - ROW // 2


def draw(group: Group) -> Markup:
    """An SVG of one group: adults as red squares, children as blue circles."""
    pos = rows(group)
    h = height(group)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{h}" '
        f'viewBox="0 0 {WIDTH} {h}" role="img" aria-hidden="true" class="network">',
        f'<rect width="{WIDTH}" height="{h}" fill="white"/>',
    ]
    for link in group.links:
        (x1, y1), (x2, y2) = pos[f"0:{link.adult}"], pos[f"1:{link.child}"]
        dash = "" if link.how == "found with" else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#777" stroke-width="1.2"{dash}/>'
        )
    for name in group.adults:
        x, y = pos[f"0:{name}"]
        parts.append(
            f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="#c62828"/>'
        )
        parts.append(_label(name, x - 9, y, "end"))
    for name in group.children:
        x, y = pos[f"1:{name}"]
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="#1d4f91"/>')
        parts.append(_label(name, x + 9, y, "start"))
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(name: str, x: float, y: float, anchor: str) -> str:
    return (
        f'<text x="{x:.1f}" y="{y + FONT * 0.35:.1f}" font-size="{FONT}" '
        f'font-family="DejaVu Sans" text-anchor="{anchor}" fill="#1b1b1b">{escape(name)}</text>'
    )
