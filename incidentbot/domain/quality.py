"""The service-quality record over a window of outages: counts, durations, update adherence, handoff
acknowledgement, repeat causes, action items, and how fast reports of problems were answered. Drills and
cancelled declarations are left out, and counted as left out. Pure: the incidents, their timelines and `now`
are passed in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.adherence import adherence
from incidentbot.domain.incident import Incident
from incidentbot.domain.measures import DURATIONS, durations, median, percentile
from incidentbot.domain.policy import SEVERITIES, Policy
from incidentbot.domain.status import Status
from incidentbot.domain.tenure import handoff_records
from incidentbot.domain.timeline import TimelineEvent

NO_SERVICE = "unspecified"
MAX_DAYS = 3660  # the longest window asked for: ten years


@dataclass(frozen=True)
class RepeatCause:
    service: str
    cause: str
    incidents: tuple[str, ...]


@dataclass(frozen=True)
class ReportTimes:
    """One report of a problem: when it came, when someone answered it (declared or dismissed), escalated?"""

    reported_at: datetime
    answered_at: datetime | None
    escalated: bool


@dataclass
class QualityRecord:
    days: int
    incidents: int = 0
    drills: int = 0
    cancelled: int = 0
    by_severity: dict[str, int] = field(default_factory=lambda: {str(s): 0 for s in SEVERITIES})
    by_division: dict[str, int] = field(default_factory=dict)
    by_service: dict[str, int] = field(default_factory=dict)
    durations: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)  # (median, p90) s
    updates_on_time_pct: float | None = None
    handoff_ack_median_s: float | None = None
    repeat_causes: list[RepeatCause] = field(default_factory=list)
    actions_open: int = 0
    actions_overdue: int = 0
    reports: int = 0
    reports_waiting: int = 0  # not answered yet
    reports_escalated: int = 0
    report_response: tuple[float | None, float | None] = (None, None)  # time to respond (median, p90) s


Entry = tuple[Incident, Sequence[TimelineEvent]]


def quality_record(
    entries: Sequence[Entry], actions: Sequence[ActionItem], *, days: int, now: datetime, today: date,
    policy: Policy, reports: Sequence[ReportTimes] = (),
) -> QualityRecord:  # fmt: skip
    record = QualityRecord(days=days)
    counted: list[Entry] = []
    for incident, timeline in entries:
        if incident.drill:
            record.drills += 1
        elif incident.status is Status.CANCELLED:
            record.cancelled += 1
        else:
            counted.append((incident, timeline))
    _count(record, [i for i, _ in counted])
    record.durations = _durations([i for i, _ in counted])
    record.updates_on_time_pct, record.handoff_ack_median_s = _communication(counted, now=now, policy=policy)
    record.repeat_causes = _repeats([i for i, _ in counted])
    numbers = {i.number for i, _ in counted}
    mine = [a for a in actions if a.incident_number in numbers and a.is_open]
    record.actions_open, record.actions_overdue = len(mine), sum(1 for a in mine if a.overdue_on(today))
    _responses(record, reports)
    return record


def _responses(record: QualityRecord, reports: Sequence[ReportTimes]) -> None:
    """Reports count as time to respond: from the report to its answer ("Declare from this" or "Not an
    outage"); an escalation is counted, and a report still waiting is counted as waiting."""
    waits = [(r.answered_at - r.reported_at).total_seconds() for r in reports if r.answered_at is not None]
    record.reports, record.reports_waiting = len(reports), len(reports) - len(waits)
    record.reports_escalated = sum(1 for r in reports if r.escalated)
    record.report_response = (median(waits), percentile(waits, 0.9))


def _count(record: QualityRecord, incidents: list[Incident]) -> None:
    record.incidents = len(incidents)
    for incident in incidents:
        record.by_severity[str(incident.severity)] += 1
        record.by_division[incident.division] = record.by_division.get(incident.division, 0) + 1
        service = incident.service or NO_SERVICE
        record.by_service[service] = record.by_service.get(service, 0) + 1


def _durations(incidents: list[Incident]) -> dict[str, tuple[float | None, float | None]]:
    samples: dict[str, list[float]] = {name: [] for name in DURATIONS}
    for i in incidents:
        if i.status is not Status.RESOLVED:
            continue
        measured = durations(started=i.started_at or i.declared_at, detected=i.detected_at or i.declared_at,
                             declared=i.declared_at, mitigated=i.mitigated_at, resolved=i.resolved_at)
        for name, seconds in measured.items():
            if seconds is not None:
                samples[name].append(seconds)
    return {name: (median(values), percentile(values, 0.9)) for name, values in samples.items()}


def _communication(entries: list[Entry], *, now: datetime, policy: Policy) -> tuple[float | None, float | None]:
    on_time = total = 0
    waits: list[float] = []
    for incident, timeline in entries:
        result = adherence(timeline, policy=policy, until=incident.resolved_at or now)
        on_time, total = on_time + result.on_time, total + len(result.timings)
        waits += [h.wait.total_seconds() for h in handoff_records(timeline) if h.outcome == "accepted" and h.wait]
    pct = round(100 * on_time / total, 1) if total else None
    return pct, median(waits)


def _repeats(incidents: list[Incident]) -> list[RepeatCause]:
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)
    for i in incidents:
        if i.service and i.cause:
            groups[(i.service, i.cause)].append(i.label)
    return [RepeatCause(service, cause, tuple(labels))
            for (service, cause), labels in sorted(groups.items()) if len(labels) >= 2]  # fmt: skip
