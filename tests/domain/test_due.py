"""What is due when: the cadence, reminders, overdue notices, handoff timers, the postmortem and the digest.

Pure functions of the incident's state and `now`; the clock is fixed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidentbot.domain.due import DueItem, DueKind, next_daily, plan
from incidentbot.domain.model import Incident, Role
from incidentbot.domain.policy import Policy
from incidentbot.domain.timeline import Kind

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
CADENCE = {1: timedelta(minutes=15), 2: timedelta(minutes=30), 3: timedelta(minutes=60), 4: timedelta(minutes=120)}
POLICY = Policy(cadence=CADENCE, handoff_timeout=timedelta(minutes=10), postmortem_due=timedelta(days=2))


def minutes(n: float) -> datetime:
    return NOW + timedelta(minutes=n)


def incident(severity: int = 3, **kw: object) -> Incident:
    made = Incident.declare(summary="Checkout down", division="payments", severity=severity, declared_by="U0ALICE",
                            now=NOW, policy=POLICY, **kw)  # type: ignore[arg-type]
    made.number = 7
    made.events.clear()
    return made


def due(made: Incident) -> set[tuple[DueKind, datetime, str | None]]:
    return {(i.kind, i.due_at, i.role) for i in plan(made, POLICY)}


@pytest.mark.parametrize(("severity", "period"), [(1, 15), (2, 30), (3, 60), (4, 120)])
def test_the_first_update_is_due_one_period_after_declaration(severity: int, period: int) -> None:
    made = incident(severity)
    assert made.next_update_due_at == minutes(period)
    assert due(made) == {(DueKind.UPDATE_DUE, minutes(period), None),
                         (DueKind.UPDATE_OVERDUE, minutes(period * 1.5), None)}


def test_each_update_moves_the_due_time_and_re_arms_the_reminders() -> None:
    made = incident(2)
    assert made.remind_update(now=minutes(30))
    assert made.notice_overdue(now=minutes(45), policy=POLICY)
    # Both said for this due time; what remains is the chase, one period after the overdue notice.
    assert due(made) == {(DueKind.UPDATE_CHASE, minutes(75), None)}
    made.post_update(text="Rolled back", actor="U0ALICE", now=minutes(50), policy=POLICY)
    assert made.next_update_due_at == minutes(80)
    assert due(made) == {(DueKind.UPDATE_DUE, minutes(80), None), (DueKind.UPDATE_OVERDUE, minutes(95), None)}


def test_a_silence_is_chased_every_period_after_the_overdue_notice_until_an_update() -> None:
    made = incident(2, communicator="U0ALICE")
    made.remind_update(now=minutes(30))
    assert not made.chase_update(now=minutes(60), policy=POLICY)  # nothing to chase before the overdue notice
    made.notice_overdue(now=minutes(45), policy=POLICY)
    assert not made.chase_update(now=minutes(74), policy=POLICY)
    assert made.chase_update(now=minutes(75), policy=POLICY)
    assert not made.chase_update(now=minutes(80), policy=POLICY)  # once per period, however often asked
    assert made.events[-1].kind is Kind.UPDATE_CHASED and made.events[-1].people == ("U0ALICE",)
    assert made.events[-1].text == "Still no status update after 1h15m; U0ALICE chased"
    assert due(made) == {(DueKind.UPDATE_CHASE, minutes(105), None)}
    assert made.chase_update(now=minutes(110), policy=POLICY)  # late (a process was down): said once, then on time
    assert due(made) == {(DueKind.UPDATE_CHASE, minutes(135), None)}
    assert made.chase_update(now=minutes(300), policy=POLICY)  # hours late: once, not a burst of the missed ones
    assert not made.chase_update(now=minutes(300), policy=POLICY)
    assert due(made) == {(DueKind.UPDATE_CHASE, minutes(315), None)}
    made.post_update(text="Rolled back", actor="U0ALICE", now=minutes(320), policy=POLICY)
    assert (made.overdue_chases, made.next_update_due_at) == (0, minutes(350))
    assert due(made) == {(DueKind.UPDATE_DUE, minutes(350), None), (DueKind.UPDATE_OVERDUE, minutes(365), None)}


def test_the_chase_names_both_people_and_stops_when_the_incident_closes() -> None:
    made = incident(1, communicator="U0BOB")
    made.accept_handoff(user="U0BOB", now=minutes(1))
    made.notice_overdue(now=minutes(23), policy=POLICY)
    assert made.chase_update(now=minutes(40), policy=POLICY)
    assert made.events[-1].people == ("U0BOB", "U0ALICE")
    assert made.events[-1].text == "Still no status update after 40m; U0BOB and U0ALICE chased"
    made.resolve(actor="U0ALICE", now=minutes(41))
    assert not made.chase_update(now=minutes(90), policy=POLICY)
    assert DueKind.UPDATE_CHASE not in {kind for kind, _, _ in due(made)}


def test_the_reminder_is_owed_once_and_not_before_the_due_time() -> None:
    made = incident(3)
    assert not made.remind_update(now=minutes(59))
    assert made.remind_update(now=minutes(60))
    assert made.events[-1].kind is Kind.UPDATE_DUE and made.events[-1].text == "Status update due from U0ALICE"
    assert not made.remind_update(now=minutes(61))
    assert due(made) == {(DueKind.UPDATE_OVERDUE, minutes(90), None)}


def test_overdue_means_late_by_half_a_period_and_is_said_once() -> None:
    made = incident(1)
    assert not made.notice_overdue(now=minutes(22), policy=POLICY)
    assert made.notice_overdue(now=minutes(22.5), policy=POLICY)
    assert made.events[-1].kind is Kind.UPDATE_OVERDUE and made.events[-1].text == "Status update overdue; U0ALICE told"
    assert not made.notice_overdue(now=minutes(40), policy=POLICY)


def test_a_severity_change_re_plans_from_the_last_update_never_into_the_past() -> None:
    made = incident(4)
    made.change_severity(severity=2, actor="U0ALICE", now=minutes(10), policy=POLICY)
    assert due(made) == {(DueKind.UPDATE_DUE, minutes(30), None), (DueKind.UPDATE_OVERDUE, minutes(45), None)}
    made.post_update(text="Found it", actor="U0ALICE", now=minutes(20), policy=POLICY)
    made.change_severity(severity=3, actor="U0ALICE", now=minutes(25), policy=POLICY)
    assert made.next_update_due_at == minutes(80)
    assert made.remind_update(now=minutes(80))
    # Escalated long after the last update: the update is due now, and the reminder is owed again.
    made.change_severity(severity=1, actor="U0ALICE", now=minutes(100), policy=POLICY)
    assert made.next_update_due_at == minutes(100)
    assert (DueKind.UPDATE_DUE, minutes(100), None) in due(made)


@pytest.mark.parametrize("close", ["resolve", "cancel"])
def test_closing_stops_every_reminder(close: str) -> None:
    made = incident(2, commander="U0BOB")
    getattr(made, close)(actor="U0ALICE", now=minutes(40))
    assert made.next_update_due_at is None
    assert not made.remind_update(now=minutes(60))
    assert not made.notice_overdue(now=minutes(60), policy=POLICY)
    kinds = {i.kind for i in plan(made, POLICY)}
    assert kinds == ({DueKind.POSTMORTEM_REMINDER} if close == "resolve" else set())


def test_the_postmortem_reminder_is_owed_once_postmortem_due_after_resolving() -> None:
    made = incident(2)
    made.resolve(actor="U0ALICE", now=minutes(40))
    resolved = minutes(40)
    assert due(made) == {(DueKind.POSTMORTEM_REMINDER, resolved + timedelta(days=2), None)}
    assert not made.remind_postmortem(now=resolved + timedelta(days=2) - timedelta(seconds=1), policy=POLICY)
    assert made.remind_postmortem(now=resolved + timedelta(days=2), policy=POLICY)
    assert made.events[-1].kind is Kind.POSTMORTEM_REMINDER
    assert not made.remind_postmortem(now=resolved + timedelta(days=3), policy=POLICY)
    assert due(made) == set()


def test_drills_are_reminded_like_real_incidents() -> None:
    assert due(incident(2, drill=True)) == due(incident(2))


def test_pending_handoffs_plan_a_reping_and_an_expiry_per_role() -> None:
    made = incident(3, commander="U0BOB", communicator="U0CAROL")
    handoff_items = {i for i in due(made) if i[0] in (DueKind.HANDOFF_REPING, DueKind.HANDOFF_EXPIRE)}
    assert handoff_items == {
        (DueKind.HANDOFF_REPING, minutes(5), "commander"), (DueKind.HANDOFF_EXPIRE, minutes(10), "commander"),
        (DueKind.HANDOFF_REPING, minutes(5), "communicator"), (DueKind.HANDOFF_EXPIRE, minutes(10), "communicator"),
    }  # fmt: skip
    made.reping_handoff(role=Role.COMMANDER, now=minutes(5), policy=POLICY)
    made.accept_handoff(user="U0CAROL", now=minutes(6))
    handoff_items = {i for i in due(made) if i[0] in (DueKind.HANDOFF_REPING, DueKind.HANDOFF_EXPIRE)}
    assert handoff_items == {(DueKind.HANDOFF_EXPIRE, minutes(10), "commander")}
    made.expire_handoff(role=Role.COMMANDER, now=minutes(10), policy=POLICY)
    assert {i[0] for i in due(made)} == {DueKind.UPDATE_DUE, DueKind.UPDATE_OVERDUE}


def test_keys_make_each_item_unique_per_incident_and_role() -> None:
    assert DueItem(DueKind.UPDATE_DUE, NOW).key(7) == "incident:7:update_due"
    assert DueItem(DueKind.HANDOFF_EXPIRE, NOW, role="commander").key(7) == "incident:7:handoff_expire:commander"
    assert DueItem(DueKind.ROLLUP, NOW).key(None) == "rollup"
    keys = [i.key(7) for i in plan(incident(commander="U0BOB", communicator="U0CAROL"), POLICY)]
    assert len(keys) == len(set(keys))


def test_the_daily_digest_falls_on_the_local_time_of_day() -> None:
    paris = ZoneInfo("Europe/Paris")
    # 03:00 UTC is 04:00 in Paris (winter): 09:00 Paris is 08:00 UTC the same day.
    assert next_daily(NOW, time(9, 0), paris) == datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
    # Exactly at the time: the next one is tomorrow (strictly after `now`).
    assert next_daily(datetime(2026, 11, 22, 8, 0, tzinfo=UTC), time(9, 0), paris) == datetime(
        2026, 11, 23, 8, 0, tzinfo=UTC)
    # Across the spring clock change, 09:00 stays 09:00 local.
    assert next_daily(datetime(2026, 3, 28, 12, 0, tzinfo=UTC), time(9, 0), paris) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC)
    new_york = ZoneInfo("America/New_York")
    assert next_daily(NOW, time(9, 0), new_york) == datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
    assert next_daily(NOW, time(2, 0), UTC) == datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_postmortem_due_counts_whole_days_as_working_days() -> None:
    paris = ZoneInfo("Europe/Paris")
    friday_evening = datetime(2026, 11, 20, 18, 0, tzinfo=paris)
    policy = Policy(postmortem_due=timedelta(days=2), timezone=paris)
    assert policy.postmortem_due_at(friday_evening) == datetime(2026, 11, 24, 18, 0, tzinfo=paris)  # Tuesday
    tuesday = datetime(2026, 11, 24, 9, 0, tzinfo=paris)
    assert policy.postmortem_due_at(tuesday) == datetime(2026, 11, 26, 9, 0, tzinfo=paris)
    short = Policy(postmortem_due=timedelta(hours=4))
    assert short.postmortem_due_at(friday_evening) == friday_evening + timedelta(hours=4)
