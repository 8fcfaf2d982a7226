"""A picture of children and adults linked by missing episodes and cases, as SVG.

The layout is a small force-directed one (Fruchterman–Reingold), started from a
circle so the same links always give the same picture. Labels are pseudonyms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 640
HEIGHT = 460
MARGIN = 40


@dataclass(frozen=True, slots=True)
class Link:
    child: str  # label
    adult: str  # label
    how: str  # "found with" or "case"


def _initial(nodes: list[str]) -> dict[str, list[float]]:
    count = max(1, len(nodes))
    return {
        n: [math.cos(2 * math.pi * i / count), math.sin(2 * math.pi * i / count)]
        for i, n in enumerate(nodes)
    }


def _repel(pos: dict[str, list[float]], k: float) -> dict[str, list[float]]:
    move = {n: [0.0, 0.0] for n in pos}
    names = list(pos)
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(1e-3, math.hypot(dx, dy))
            force = k * k / dist
            move[a][0] += dx / dist * force
            move[a][1] += dy / dist * force
            move[b][0] -= dx / dist * force
            move[b][1] -= dy / dist * force
    return move


def layout(
    nodes: list[str], edges: list[tuple[str, str]], rounds: int = 120
) -> dict[str, tuple[float, float]]:
    """Positions in the unit square for each node."""
    pos = _initial(nodes)
    k = math.sqrt(4.0 / max(1, len(nodes)))
    temperature = 0.2
    for _ in range(rounds):
        move = _repel(pos, k)
        for a, b in edges:
            dx, dy = pos[a][0] - pos[b][0], pos[a][1] - pos[b][1]
            dist = max(1e-3, math.hypot(dx, dy))
            force = dist * dist / k
            move[a][0] -= dx / dist * force
            move[a][1] -= dy / dist * force
            move[b][0] += dx / dist * force
            move[b][1] += dy / dist * force
        for n, (mx, my) in move.items():
            length = max(1e-9, math.hypot(mx, my))
            step = min(length, temperature)
            pos[n][0] += mx / length * step - 0.01 * pos[n][0]
            pos[n][1] += my / length * step - 0.01 * pos[n][1]
        temperature *= 0.97
    return _fit(pos)


def _fit(pos: dict[str, list[float]]) -> dict[str, tuple[float, float]]:
    if not pos:
        return {}
    xs = [p[0] for p in pos.values()]
    ys = [p[1] for p in pos.values()]
    span_x = (max(xs) - min(xs)) or 1.0
    span_y = (max(ys) - min(ys)) or 1.0
    return {n: ((p[0] - min(xs)) / span_x, (p[1] - min(ys)) / span_y) for n, p in pos.items()}


def draw(links: list[Link]) -> Markup:
    """An SVG of the links: children as circles, adults as squares."""
    children = sorted({link.child for link in links})
    adults = sorted({link.adult for link in links})
    edges = sorted({(link.child, link.adult) for link in links})
    pos = layout(children + adults, edges)

    def xy(name: str) -> tuple[float, float]:
        x, y = pos[name]
        return MARGIN + x * (WIDTH - 2 * MARGIN), MARGIN + y * (HEIGHT - 2 * MARGIN)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-hidden="true" class="network">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>',
    ]
    found = {(link.child, link.adult) for link in links if link.how == "found with"}
    for a, b in edges:
        (x1, y1), (x2, y2) = xy(a), xy(b)
        dash = "" if (a, b) in found else ' stroke-dasharray="4 3"'
        parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="#777" stroke-width="1.2"{dash}/>'
        )
    for name in children:
        x, y = xy(name)
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="6" fill="#1d4f91"/>')
        parts.append(_label(name, x, y))
    for name in adults:
        x, y = xy(name)
        parts.append(
            f'<rect x="{x - 6:.1f}" y="{y - 6:.1f}" width="12" height="12" fill="#c62828"/>'
        )
        parts.append(_label(name, x, y))
    parts.append("</svg>")
    return Markup("".join(parts))


def _label(name: str, x: float, y: float) -> str:
    return (
        f'<text x="{x + 8:.1f}" y="{y + 4:.1f}" font-size="9" font-family="DejaVu Sans" '
        f'fill="#1b1b1b">{escape(name)}</text>'
    )
