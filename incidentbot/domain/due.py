"""What must happen later for an incident, derived from its state alone.

The store keeps one row per item returned here; every command re-plans the incident, so a row whose
reason disappeared (an update arrived, the incident was resolved) is simply not planned again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from enum import StrEnum

from incidentbot.domain.incident import Incident
from incidentbot.domain.policy import Policy
from incidentbot.domain.status import Status


class DueKind(StrEnum):
    UPDATE_DUE = "update_due"
    UPDATE_OVERDUE = "update_overdue"
    UPDATE_CHASE = "update_chase"
    HANDOFF_REPING = "handoff_reping"
    HANDOFF_EXPIRE = "handoff_expire"
    POSTMORTEM_REMINDER = "postmortem_reminder"
    ROLLUP = "rollup"
    DIGEST = "digest"
    REPORT_ESCALATE = "report_escalate"
    ACTION_REMINDER = "action_reminder"  # `role` holds the action item's number
    WEEKLY_REPORT = "weekly_report"


@dataclass(frozen=True, slots=True)
class DueItem:
    kind: DueKind
    due_at: datetime
    role: str | None = None

    def key(self, incident_number: int | None) -> str:
        """Unique per pending item: a second process planning the same thing collides instead of doubling."""
        parts = [str(self.kind)] if incident_number is None else [f"incident:{incident_number}", str(self.kind)]
        if self.role:
            parts.append(self.role)
        return ":".join(parts)


def plan(incident: Incident, policy: Policy) -> list[DueItem]:
    items = _update_cadence(incident, policy)
    if incident.is_open:
        for handoff in incident.pending_handoffs:
            if not handoff.repinged:
                reping_at = handoff.requested_at + policy.handoff_timeout / 2
                items.append(DueItem(DueKind.HANDOFF_REPING, reping_at, role=str(handoff.role)))
            expire_at = handoff.requested_at + policy.handoff_timeout
            items.append(DueItem(DueKind.HANDOFF_EXPIRE, expire_at, role=str(handoff.role)))
    if incident.status is Status.RESOLVED and incident.resolved_at and not incident.postmortem_reminded:
        items.append(DueItem(DueKind.POSTMORTEM_REMINDER, policy.postmortem_due_at(incident.resolved_at)))
    return items


def _update_cadence(incident: Incident, policy: Policy) -> list[DueItem]:
    """The reminder, then the overdue notice, then a chase every period for as long as nobody posts."""
    if not incident.is_open or incident.next_update_due_at is None:
        return []
    items: list[DueItem] = []
    if not incident.update_reminded:
        items.append(DueItem(DueKind.UPDATE_DUE, incident.next_update_due_at))
    overdue_at = incident.overdue_at(policy)
    if not incident.overdue_noticed and overdue_at is not None:
        items.append(DueItem(DueKind.UPDATE_OVERDUE, overdue_at))
    chase_at = incident.next_chase_at(policy)
    if chase_at is not None:
        items.append(DueItem(DueKind.UPDATE_CHASE, chase_at))
    return items


def next_rollup(now: datetime, interval: timedelta) -> DueItem:
    """The company roll-up after one at `now` (or the first, planned when a real incident is declared)."""
    return DueItem(DueKind.ROLLUP, now + interval)


def next_daily(now: datetime, at: time, tz: tzinfo) -> datetime:
    """The next moment strictly after `now` when the local clock in `tz` shows `at`."""
    local = now.astimezone(tz)
    day = local.date()
    for offset in range(3):
        candidate = datetime.combine(day + timedelta(days=offset), at, tzinfo=tz)
        if candidate > local:
            return candidate.astimezone(UTC)
    raise AssertionError("unreachable: a daily time recurs within three days")


def report_escalation(report_id: int, reported_at: datetime, response: timedelta) -> DueItem:
    """A report nobody has answered by `reported_at + response` is escalated (the `role` slot holds its id)."""
    return DueItem(DueKind.REPORT_ESCALATE, reported_at + response, role=str(report_id))
