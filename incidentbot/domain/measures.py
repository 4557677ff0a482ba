"""The four durations of an outage and the statistics over many: whole days count (total seconds, never
`timedelta.seconds`), and only milestones that were actually reached are used (no stand-in timestamps)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime

DURATIONS = ("detect", "declare", "mitigate", "resolve")


def durations(
    *, started: datetime, detected: datetime, declared: datetime, mitigated: datetime | None,
    resolved: datetime | None,
) -> dict[str, float | None]:  # fmt: skip
    """Seconds: detect = detected - started, declare = declared - detected, mitigate = mitigated - started,
    resolve = resolved - started; None for a milestone not reached."""
    return {
        "detect": (detected - started).total_seconds(),
        "declare": (declared - detected).total_seconds(),
        "mitigate": (mitigated - started).total_seconds() if mitigated else None,
        "resolve": (resolved - started).total_seconds() if resolved else None,
    }


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Linear interpolation between the closest ranks (numpy's default); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def median(values: Sequence[float]) -> float | None:
    return percentile(values, 0.5)
