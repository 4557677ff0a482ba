"""The timing rules an incident runs on: update cadence by severity and handoff timeout."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

SEVERITIES = (1, 2, 3, 4)


def _default_cadence() -> dict[int, timedelta]:
    return {1: timedelta(minutes=15), 2: timedelta(minutes=30), 3: timedelta(minutes=60), 4: timedelta(minutes=120)}


@dataclass(frozen=True, slots=True)
class Policy:
    cadence: dict[int, timedelta] = field(default_factory=_default_cadence)
    handoff_timeout: timedelta = timedelta(minutes=10)
    postmortem_due: timedelta = timedelta(days=2)

    def update_interval(self, severity: int) -> timedelta:
        return self.cadence[severity]

    def overdue_grace(self, severity: int) -> timedelta:
        """An update is *overdue* once it is late by half a period."""
        return self.cadence[severity] / 2
