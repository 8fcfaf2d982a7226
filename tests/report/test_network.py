"""Groups of linked children: one small picture each, largest first, labels never overlap."""

from __future__ import annotations

import itertools
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from caseguard.report.network import FONT, Link, draw, groups

CHAR_W = FONT * 0.62  # DejaVu Sans is about 0.6 em a character


def _boxes(svg: str) -> list[tuple[float, float, float, float]]:
    boxes = []
    for x, y, anchor, text in re.findall(
        r'<text x="([\d.]+)" y="([\d.]+)"[^>]*text-anchor="(\w+)"[^>]*>([^<]*)</text>', svg
    ):
        width = len(text) * CHAR_W
        left = float(x) - width if anchor == "end" else float(x)
        boxes.append((left, float(y) - FONT, left + width, float(y) + 2))
    return boxes


def _size(svg: str) -> tuple[float, float]:
    width, height = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg).groups()  # type: ignore[union-attr]
    return float(width), float(height)


links = st.lists(
    st.tuples(st.integers(0, 40), st.integers(0, 12), st.sampled_from(["found with", "case"])),
    min_size=1,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(links)
def test_labels_never_overlap_and_stay_inside(raw: list[tuple[int, int, str]]) -> None:
    found = groups([Link(f"Child-{c:06d}", f"Adult-{a:06d}", how) for c, a, how in raw])
    for group in found:
        svg = str(draw(group))
        boxes = _boxes(svg)
        assert len(boxes) == group.size
        width, height = _size(svg)
        for left, top, right, bottom in boxes:
            assert left >= 0 and right <= width and top >= 0 and bottom <= height
        for a, b in itertools.combinations(boxes, 2):
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


def test_each_group_is_its_own_picture_largest_first() -> None:
    star = [Link(f"C{i}", "A1", "found with") for i in range(5)]
    pair = [Link("C10", "A2", "case"), Link("C11", "A2", "case")]
    chain = [Link("C20", "A3", "case"), Link("C21", "A3", "case"), Link("C21", "A4", "case")]
    found = groups(pair + chain + star)
    assert [g.size for g in found] == [6, 4, 3]
    assert found[1].adults == ("A3", "A4") and found[1].children == ("C20", "C21")
    assert all(str(draw(g)).count("<svg") == 1 for g in found)
