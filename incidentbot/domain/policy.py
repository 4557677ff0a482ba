"""The timing rules an incident runs on: update cadence by severity, handoff timeout, postmortem due."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

SEVERITIES = (1, 2, 3, 4)


def _default_cadence() -> dict[int, timedelta]:
    return {1: timedelta(minutes=15), 2: timedelta(minutes=30), 3: timedelta(minutes=60), 4: timedelta(minutes=120)}


@dataclass(frozen=True, slots=True)
class Policy:
    cadence: dict[int, timedelta] = field(default_factory=_default_cadence)
    handoff_timeout: timedelta = timedelta(minutes=10)
    postmortem_due: timedelta = timedelta(days=2)
    timezone: tzinfo = field(default_factory=lambda: ZoneInfo("UTC"))  # the same object config gives for "UTC"

    def update_interval(self, severity: int) -> timedelta:
        return self.cadence[severity]

    def overdue_grace(self, severity: int) -> timedelta:
        """An update is *overdue* once it is late by half a period."""
        return self.cadence[severity] / 2

    def postmortem_due_at(self, resolved_at: datetime) -> datetime:
        """Whole days count as working days in the configured time zone ("2d" from a Friday evening is Tuesday
        evening); anything shorter ("4h", or a test's "3s") is plain elapsed time."""
        due = self.postmortem_due
        if due < timedelta(days=1) or due % timedelta(days=1):
            return resolved_at + due
        local = resolved_at.astimezone(self.timezone)
        remaining = due // timedelta(days=1)
        while remaining:
            local = (local + timedelta(days=1)).astimezone(self.timezone)
            if local.weekday() < 5:  # Monday to Friday
                remaining -= 1
        return local.astimezone(UTC)
