"""Role tenure, handoff timings, cadence adherence and the durations: pure functions of the timeline,
checked against values computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.domain.adherence import adherence
from incidentbot.domain.measures import durations, median, percentile
from incidentbot.domain.model import Incident, Role, Status
from incidentbot.domain.policy import Policy
from incidentbot.domain.tenure import handoff_records, role_tenures

T0 = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
POLICY = Policy()  # SEV2 every 30 min, SEV1 every 15 min


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


def outage() -> Incident:
    """SEV2 by Alice; Bob declines commander; Carol accepts it after 4 min; Dan becomes communicator after
    2 min; updates at +20 (on time), +55 (late by 5); SEV1 at +60; update at +80 (late by 5); resolved +100."""
    i = Incident.declare(summary="Checkout down", division="payments", severity=2, declared_by="U0ALICE",
                         now=T0, policy=POLICY)
    i.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=minutes(5))
    i.decline_handoff(user="U0BOB", now=minutes(7))
    i.request_handoff(role=Role.COMMANDER, to="U0CAROL", actor="U0ALICE", now=minutes(10))
    i.accept_handoff(user="U0CAROL", now=minutes(14))
    i.post_update(text="Looking", actor="U0ALICE", now=minutes(20), policy=POLICY)
    i.request_handoff(role=Role.COMMUNICATOR, to="U0DAN", actor="U0CAROL", now=minutes(30))
    i.accept_handoff(user="U0DAN", now=minutes(32))
    i.post_update(text="Found it", actor="U0DAN", now=minutes(55), policy=POLICY, status=Status.IDENTIFIED)
    i.change_severity(severity=1, actor="U0CAROL", now=minutes(60), policy=POLICY)
    i.post_update(text="Rolled back", actor="U0DAN", now=minutes(80), policy=POLICY, status=Status.MONITORING)
    i.resolve(actor="U0CAROL", now=minutes(100))
    return i


def test_role_tenure_from_the_timeline() -> None:
    got = [(t.role, t.user, t.start, t.end) for t in role_tenures(outage().events, until=minutes(100))]
    assert got == [
        (Role.COMMANDER, "U0ALICE", T0, minutes(14)),
        (Role.COMMUNICATOR, "U0ALICE", T0, minutes(32)),
        (Role.COMMANDER, "U0CAROL", minutes(14), minutes(100)),
        (Role.COMMUNICATOR, "U0DAN", minutes(32), minutes(100)),
    ]


def test_handoffs_with_their_wait_and_outcome() -> None:
    got = [(h.role, h.to, h.outcome, h.wait) for h in handoff_records(outage().events)]
    assert got == [
        (Role.COMMANDER, "U0BOB", "declined", timedelta(minutes=2)),
        (Role.COMMANDER, "U0CAROL", "accepted", timedelta(minutes=4)),
        (Role.COMMUNICATOR, "U0DAN", "accepted", timedelta(minutes=2)),
    ]


def test_an_unanswered_handoff_expires_with_no_wait() -> None:
    i = outage_open()
    i.request_handoff(role=Role.COMMANDER, to="U0EVE", actor="U0ALICE", now=minutes(1))
    i.expire_handoff(role=Role.COMMANDER, now=minutes(11), policy=POLICY)
    [record] = handoff_records(i.events)
    assert record.outcome == "expired" and record.wait is None


def test_each_update_on_time_or_late_by_how_much() -> None:
    result = adherence(outage().events, policy=POLICY, until=minutes(100))
    # Due +30: update +20 on time. Due +50: +55 late by 5. SEV1 at +60: due max(60, 55+15)=+70; +80 late by
    # 10. Due +95 (80 + 15): nothing before the resolution at +100, so missed and late by 5.
    assert [(t.at, t.late_by) for t in result.timings] == [
        (minutes(20), timedelta(0)), (minutes(55), timedelta(minutes=5)), (minutes(80), timedelta(minutes=10)),
        (None, timedelta(minutes=5)),
    ]
    assert (result.on_time, result.late, result.missed) == (1, 3, 1)
    assert result.longest_silence == timedelta(minutes=35)  # +20 → +55


def test_an_open_incident_has_nothing_missed_yet_but_its_silence_grows() -> None:
    i = outage_open()
    result = adherence(i.events, policy=POLICY, until=minutes(300))
    assert result.timings == () and result.longest_silence == timedelta(minutes=300)


def test_the_four_durations_of_an_outage_spanning_three_days() -> None:
    started = datetime(2026, 11, 20, 22, 0, tzinfo=UTC)
    got = durations(started=started, detected=started + timedelta(hours=1, minutes=30),
                    declared=started + timedelta(hours=2), mitigated=started + timedelta(days=2, hours=1),
                    resolved=started + timedelta(days=2, hours=3, minutes=15))
    assert got == {"detect": 5400.0, "declare": 1800.0, "mitigate": 176400.0, "resolve": 184500.0}
    assert durations(started=started, detected=started, declared=started, mitigated=None,
                     resolved=None)["mitigate"] is None


def test_median_and_p90_interpolate_between_ranks() -> None:
    values = [600.0, 3600.0, 184500.0, 1200.0]
    assert median(values) == 2400.0  # (1200 + 3600) / 2
    assert percentile(values, 0.9) == pytest.approx(130230.0)  # rank 2.7: 3600 + 0.7 * (184500 - 3600)
    assert median([5.0]) == percentile([5.0], 0.9) == 5.0 and median([]) is None


def outage_open() -> Incident:
    return Incident.declare(summary="x", division="payments", severity=2, declared_by="U0ALICE", now=T0,
                            policy=POLICY)


def test_reports_count_as_time_to_respond() -> None:
    from incidentbot.domain.quality import ReportTimes, quality_record

    reports = [ReportTimes(minutes(0), minutes(4), escalated=False),
               ReportTimes(minutes(10), minutes(30), escalated=True),  # answered after its escalation
               ReportTimes(minutes(20), None, escalated=True)]  # fmt: skip
    record = quality_record([], [], days=30, now=minutes(60), today=T0.date(), policy=POLICY, reports=reports)
    assert (record.reports, record.reports_waiting, record.reports_escalated) == (3, 1, 2)
    assert record.report_response == (pytest.approx(720), pytest.approx(240 + 0.9 * 960))
    assert quality_record([], [], days=30, now=minutes(60), today=T0.date(), policy=POLICY).report_response == (
        None, None)
