"""The stats page's charts as shapes to draw in inline SVG (no script, no library): bars, points, axis ticks.

Pure geometry in a 640 by 240 drawing (the SVG scales to the screen); every shape carries the words a screen
reader or a hover shows, and each chart also comes with a table of its numbers."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo

from incidentbot.domain.quality import QualityRecord
from incidentbot.domain.quality_series import QualitySeries

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 12, 12, 34
PLOT_W, PLOT_H = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
COLOURS = {1: "#b3261e", 2: "#c45500", 3: "#1264a3", 4: "#5f6b7a"}
TOP_SERVICES = 8
ROW = 26  # one service's bar in the top-services chart


@dataclass(frozen=True)
class Shape:
    x: float
    y: float
    w: float = 0
    h: float = 0
    colour: str = "#1264a3"
    label: str = ""


@dataclass(frozen=True)
class Tick:
    at: float  # x or y in the drawing
    text: str


@dataclass
class Chart:
    shapes: list[Shape] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    rows: list[tuple[str, ...]] = field(default_factory=list)  # the table of numbers under the chart
    height: int = HEIGHT


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (1 for nothing)."""
    if value <= 0:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def axis_top(value: float, *, whole: bool = True) -> float:
    """The top of an axis with four equal steps of 1, 2 or 5 times a power of ten (whole ones for counts)."""
    step = nice_max(value / 4)
    return 4 * (max(1, step) if whole else step)


def _y_ticks(top: float, unit: str = "") -> list[Tick]:
    return [Tick(TOP + PLOT_H * (1 - n / 4), f"{top * n / 4:g}{unit}") for n in range(5)]


def weekly(series: QualitySeries) -> Chart:
    weeks = series.weeks
    top = axis_top(max((w.total for w in weeks), default=0))
    slot = PLOT_W / max(len(weeks), 1)
    chart = Chart(y_ticks=_y_ticks(top))
    every = max(1, math.ceil(len(weeks) / 8))
    for n, week in enumerate(weeks):
        x, base = LEFT + n * slot, float(TOP + PLOT_H)
        for severity, count in sorted(week.by_severity.items()):
            height = PLOT_H * count / top
            if count:
                chart.shapes.append(
                    Shape(
                        x + slot * 0.1,
                        base - height,
                        slot * 0.8,
                        height,
                        COLOURS[severity],
                        f"Week of {week.monday:%d %b}: {count} SEV{severity}",
                    )
                )
            base -= height
        if n % every == 0:
            chart.x_ticks.append(Tick(x + slot / 2, f"{week.monday:%d %b}"))
        chart.rows.append((f"{week.monday:%Y-%m-%d}", *(str(week.by_severity[s]) for s in sorted(week.by_severity)),
                           str(week.total)))  # fmt: skip
    return chart


def resolve_times(series: QualitySeries, *, days: int, now: datetime, tz: tzinfo) -> Chart:
    start = now - timedelta(days=days)
    hours = [t.seconds / 3600 for t in series.resolve_times]
    top = axis_top(max(hours, default=0), whole=False)
    chart = Chart(y_ticks=_y_ticks(top, " h"))
    span = (now - start).total_seconds()
    for t, h in zip(series.resolve_times, hours, strict=True):
        x = LEFT + PLOT_W * min(1.0, max(0.0, (t.declared_at - start).total_seconds() / span))
        chart.shapes.append(
            Shape(
                x,
                TOP + PLOT_H * (1 - h / top),
                5,
                0,
                COLOURS.get(t.severity, COLOURS[4]),
                f"{t.label} (SEV{t.severity}): resolved in {h:.1f} h",
            )
        )
        chart.rows.append((t.label, f"{t.declared_at.astimezone(tz):%Y-%m-%d}", f"SEV{t.severity}", f"{h:.1f}"))
    for n in range(5):
        moment = start + (now - start) * n / 4
        chart.x_ticks.append(Tick(LEFT + PLOT_W * n / 4, f"{moment.astimezone(tz):%d %b}"))
    return chart


def services(record: QualityRecord) -> Chart:
    ranked = sorted(record.by_service.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_SERVICES]
    top = nice_max(max((n for _, n in ranked), default=0))
    chart = Chart(height=TOP + ROW * max(len(ranked), 1) + TOP)
    row = ROW
    for n, (name, count) in enumerate(ranked):
        chart.shapes.append(
            Shape(
                LEFT + 96,
                TOP + n * row + row * 0.15,
                (PLOT_W - 130) * count / top,
                row * 0.7,
                label=f"{name}: {count} outage{'' if count == 1 else 's'}",
            )
        )
        chart.y_ticks.append(Tick(TOP + n * row + row / 2, name if len(name) <= 14 else name[:13] + "…"))
        chart.rows.append((name, str(count)))
    return chart


def on_time(record: QualityRecord) -> Chart:
    pct = record.updates_on_time_pct
    chart = Chart(rows=[("Updates on time", "—" if pct is None else f"{pct:g}%")])
    if pct is not None:
        chart.shapes.append(Shape(LEFT, TOP, PLOT_W * pct / 100, 28, "#1e7e34", f"{pct:g}% of updates on time"))
    chart.x_ticks = [Tick(LEFT + PLOT_W * n / 4, f"{25 * n}%") for n in range(5)]
    return chart
