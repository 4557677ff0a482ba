"""The service-quality record over time, for the charts of the stats page: incidents per week by severity and
the time to resolve of each resolved outage. The same outages as the record (drills and cancelled declarations
left out). Pure: the incidents, `now` and the time zone are passed in."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo

from incidentbot.domain.incident import Incident
from incidentbot.domain.measures import durations
from incidentbot.domain.policy import SEVERITIES
from incidentbot.domain.status import Status

WEEK = timedelta(days=7)


@dataclass(frozen=True)
class Week:
    monday: date  # local, in the configured time zone
    by_severity: dict[int, int]

    @property
    def total(self) -> int:
        return sum(self.by_severity.values())


@dataclass(frozen=True)
class ResolveTime:
    label: str
    severity: int
    declared_at: datetime
    seconds: float


@dataclass(frozen=True)
class QualitySeries:
    weeks: list[Week]
    resolve_times: list[ResolveTime]  # oldest declaration first


def counted(incident: Incident) -> bool:
    """What the record counts: a real outage, not a drill, not declared in error."""
    return not incident.drill and incident.status is not Status.CANCELLED


def quality_series(incidents: Sequence[Incident], *, days: int, now: datetime, tz: tzinfo) -> QualitySeries:
    chosen = [i for i in incidents if counted(i)]
    first = _monday((now - timedelta(days=days)).astimezone(tz).date())
    last = _monday(now.astimezone(tz).date())
    weeks = {first + WEEK * n: {s: 0 for s in SEVERITIES} for n in range((last - first).days // 7 + 1)}
    for incident in chosen:
        monday = _monday(incident.declared_at.astimezone(tz).date())
        if monday in weeks and incident.severity in weeks[monday]:
            weeks[monday][incident.severity] += 1
    times = []
    for i in sorted(chosen, key=lambda i: i.declared_at):
        if i.status is Status.RESOLVED and i.resolved_at is not None:
            measured = durations(
                started=i.started_at or i.declared_at,
                detected=i.detected_at or i.declared_at,
                declared=i.declared_at,
                mitigated=i.mitigated_at,
                resolved=i.resolved_at,
            )
            seconds = measured["resolve"]
            if seconds is not None:
                times.append(ResolveTime(i.label, i.severity, i.declared_at, seconds))
    return QualitySeries([Week(m, counts) for m, counts in sorted(weeks.items())], times)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())
