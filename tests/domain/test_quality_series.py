"""The record over time (the stats page's charts): outages per local week by severity and each resolved
outage's time to resolve; drills and cancelled declarations left out, as in the record."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from incidentbot.domain.model import Incident
from incidentbot.domain.policy import Policy
from incidentbot.domain.quality_series import quality_series

NOW = datetime(2026, 3, 11, 10, 0, tzinfo=UTC)  # a Wednesday
POLICY = Policy()
PARIS = ZoneInfo("Europe/Paris")


def outage(n: int, at: datetime, severity: int, *, resolved_after: timedelta | None = None,
           drill: bool = False, cancel: bool = False) -> Incident:  # fmt: skip
    i = Incident.declare(summary="x", division="payments", severity=severity, declared_by="U0ALICE", now=at,
                         policy=POLICY, drill=drill)  # fmt: skip
    i.number = n
    if resolved_after is not None:
        i.resolve(actor="U0ALICE", now=at + resolved_after)
    if cancel:
        i.cancel(actor="U0ALICE", now=at + timedelta(minutes=1))
    return i


def test_weeks_by_severity_and_resolve_times_count_what_the_record_counts() -> None:
    found = [
        outage(1, NOW - timedelta(days=9), 1, resolved_after=timedelta(hours=2)),  # the week before last
        outage(2, NOW - timedelta(days=1), 2, resolved_after=timedelta(minutes=30)),  # this week
        outage(3, NOW - timedelta(hours=1), 2),  # this week, still open
        outage(4, NOW - timedelta(days=2), 1, drill=True, resolved_after=timedelta(hours=1)),
        outage(5, NOW - timedelta(days=2), 3, cancel=True),
    ]
    series = quality_series(found, days=14, now=NOW, tz=PARIS)
    assert [w.monday.isoformat() for w in series.weeks] == ["2026-02-23", "2026-03-02", "2026-03-09"]
    assert [w.by_severity for w in series.weeks] == [{1: 0, 2: 0, 3: 0, 4: 0}, {1: 1, 2: 0, 3: 0, 4: 0},
                                                     {1: 0, 2: 2, 3: 0, 4: 0}]  # fmt: skip
    assert [(t.label, t.seconds) for t in series.resolve_times] == [("OUT-1", 7200.0), ("OUT-2", 1800.0)]


def test_a_week_starts_on_monday_in_the_configured_time_zone() -> None:
    sunday_late_utc = datetime(2026, 3, 8, 23, 30, tzinfo=UTC)  # already Monday 00:30 in Paris
    series = quality_series([outage(1, sunday_late_utc, 3)], days=7, now=NOW, tz=PARIS)
    assert [(w.monday.isoformat(), w.total) for w in series.weeks][-1] == ("2026-03-09", 1)
