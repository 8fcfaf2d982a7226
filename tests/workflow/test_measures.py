"""A measure's p-chart and status against hand-worked series."""

from __future__ import annotations

import random

import polars as pl
import pytest

from caseguard.workflow.measures import MeasureStatus, Period, p_chart, status


def _series(xs: list[int], n: int | list[int] = 100) -> list[Period]:
    sizes = n if isinstance(n, list) else [n] * len(xs)
    return [
        Period(f"2025-{i + 1:02d}", x, size)
        for i, (x, size) in enumerate(zip(xs, sizes, strict=True))
    ]


def test_p_chart_limits_by_hand() -> None:
    # p̄ = 50/600; for n = 200: 3·√(p̄(1−p̄)/200) = 0.058630, so 0.024703 .. 0.141964
    points = p_chart(_series([12, 8, 30], [200, 100, 300]))
    assert points[0].centre == pytest.approx(50 / 600)
    assert (points[0].lower, points[0].upper) == pytest.approx((0.024703, 0.141964), abs=1e-6)
    assert (points[1].lower, points[1].upper) == pytest.approx((0.000418, 0.166249), abs=1e-6)
    assert (points[2].lower, points[2].upper) == pytest.approx((0.035462, 0.131205), abs=1e-6)


def test_p_chart_limits_against_an_independent_calculation() -> None:
    rng = random.Random(7)
    n = [rng.randint(50, 5000) for _ in range(24)]
    x = [sum(rng.random() < 0.12 for _ in range(size)) for size in n]
    x[5] = n[5] // 3  # one period far above the rest
    points = p_chart([Period(str(i), a, b) for i, (a, b) in enumerate(zip(x, n, strict=True))])
    frame = pl.DataFrame({"x": x, "n": n}).with_columns(pbar=pl.col("x").sum() / pl.col("n").sum())
    frame = frame.with_columns(sd=(pl.col("pbar") * (1 - pl.col("pbar")) / pl.col("n")).sqrt())
    frame = frame.with_columns(
        upper=pl.min_horizontal(pl.lit(1.0), pl.col("pbar") + 3 * pl.col("sd")),
        lower=pl.max_horizontal(pl.lit(0.0), pl.col("pbar") - 3 * pl.col("sd")),
        p=pl.col("x") / pl.col("n"),
    )
    assert [p.upper for p in points] == pytest.approx(frame["upper"].to_list(), rel=1e-12)
    assert [p.lower for p in points] == pytest.approx(frame["lower"].to_list(), rel=1e-12)
    outside = ((frame["p"] > frame["upper"]) | (frame["p"] < frame["lower"])).to_list()
    assert outside[5]
    assert [p.outside for p in points] == outside
    assert all(p.signal for p in points if p.outside)


def test_a_point_outside_and_a_run_of_eight_are_signals() -> None:
    spike = p_chart(_series([10, 11, 9, 10, 40, 10]))
    assert [p.signal for p in spike] == [False, False, False, False, True, False]
    run = p_chart(_series([20, 20, 9, 9, 9, 9, 9, 9, 9, 9, 20, 20]))
    below = [p.signal for p in run]
    assert below[2:10] == [True] * 8
    short = p_chart(_series([20, 20, 9, 9, 9, 9, 9, 9, 9, 20, 20, 20]))
    assert not any(p.signal for p in short[2:9])  # seven below: no run signal


@pytest.mark.parametrize(
    ("xs", "n", "target", "expected"),
    [
        ([], 100, 0.1, MeasureStatus.NOT_STARTED),
        ([0, 0], 0, 0.1, MeasureStatus.NOT_STARTED),
        ([10, 20], 100, 0.05, MeasureStatus.OFF_TRACK),  # worse than at the start
        ([20, 20], 100, 0.05, MeasureStatus.OFF_TRACK),  # no better
        ([30, 20], 100, 0.10, MeasureStatus.ON_TRACK),  # improving, not there yet
        ([30, 20, 8], 100, 0.10, MeasureStatus.MET),  # met once: not yet sustained
        ([30, 9, 10], 100, 0.10, MeasureStatus.MET),  # 30% is in the last three
        ([30, 9, 8, 9], 100, 0.10, MeasureStatus.EMBEDDED),  # met three times, stable
        ([30, 10, 10, 10], 100, 0.10, MeasureStatus.EMBEDDED),  # at the target counts as met
        ([300, 20, 20, 90], 1000, 0.10, MeasureStatus.MET),  # met, but 9% is a special cause
        ([30, 9, 8, 11], 100, 0.10, MeasureStatus.ON_TRACK),  # slipped back above
    ],
)
def test_status_of_hand_worked_series(
    xs: list[int], n: int, target: float, expected: MeasureStatus
) -> None:
    assert status(_series(xs, n), target) is expected


def test_k_is_the_number_of_periods_needed() -> None:
    series = _series([30, 9, 8, 9])
    assert status(series, 0.10, k=3) is MeasureStatus.EMBEDDED
    assert status(series, 0.10, k=4) is MeasureStatus.MET
