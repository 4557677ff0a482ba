"""The states an incident moves through, and the table of moves it allows."""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    CANCELLED = "cancelled"

    @property
    def is_open(self) -> bool:
        return self in OPEN_STATUSES


OPEN_STATUSES = frozenset({Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING})

# Any open status may go to any other open status or to resolved/cancelled; final states go nowhere
# (reopening is an explicit, separate act).
TRANSITIONS: dict[Status, frozenset[Status]] = {
    **{s: (OPEN_STATUSES - {s}) | {Status.RESOLVED, Status.CANCELLED} for s in OPEN_STATUSES},
    Status.RESOLVED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# The statuses an update may name (`--status`): cancelling is its own act, for declarations made in error.
UPDATE_STATUSES = (Status.INVESTIGATING, Status.IDENTIFIED, Status.MONITORING, Status.RESOLVED)
