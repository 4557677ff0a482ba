"""The stats page's chart geometry: readable axes, stacked bars that fit the drawing, words on every shape."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from incidentbot.domain.quality import QualityRecord
from incidentbot.domain.quality_series import QualitySeries, ResolveTime, Week
from incidentbot.web import charts


def test_axes_end_on_round_numbers_in_four_whole_steps_for_counts() -> None:
    assert [charts.axis_top(v) for v in (0, 1, 4, 5, 7, 30)] == [4, 4, 4, 8, 8, 40]
    assert [charts.axis_top(v, whole=False) for v in (0.2, 1.5, 26)] == [0.2, 2, 40]


def test_weekly_bars_stack_by_severity_inside_the_plot() -> None:
    series = QualitySeries([Week(date(2026, 3, 2), {1: 1, 2: 2, 3: 0, 4: 1}), Week(date(2026, 3, 9), {1: 0, 2: 0,
                            3: 0, 4: 0})], [])  # fmt: skip
    chart = charts.weekly(series)
    assert [s.label for s in chart.shapes] == ["Week of 02 Mar: 1 SEV1", "Week of 02 Mar: 2 SEV2",
                                               "Week of 02 Mar: 1 SEV4"]  # fmt: skip
    bottom = charts.TOP + charts.PLOT_H
    assert chart.shapes[0].y + chart.shapes[0].h == bottom  # SEV1 at the bottom, the others on top of it
    assert chart.shapes[1].y + chart.shapes[1].h == chart.shapes[0].y
    assert chart.shapes[2].y == charts.TOP  # 4 outages fill the axis of 4
    assert chart.rows == [("2026-03-02", "1", "2", "0", "1", "4"), ("2026-03-09", "0", "0", "0", "0", "0")]


def test_resolve_points_services_and_on_time() -> None:
    now = datetime(2026, 3, 11, tzinfo=UTC)
    series = QualitySeries([], [ResolveTime("OUT-3", 1, now - timedelta(days=5), 5400.0)])
    chart = charts.resolve_times(series, days=10, now=now, tz=UTC)
    assert chart.shapes[0].label == "OUT-3 (SEV1): resolved in 1.5 h"
    assert chart.shapes[0].x == charts.LEFT + charts.PLOT_W / 2
    record = QualityRecord(days=10, by_service={"search": 1, "card-router": 3}, updates_on_time_pct=75.0)
    assert [s.label for s in charts.services(record).shapes] == ["card-router: 3 outages", "search: 1 outage"]
    assert charts.on_time(record).shapes[0].w == charts.PLOT_W * 0.75
