"""The incident state machine and who may change what: pure rules, a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo
from incidentbot.domain.model import OPEN_STATUSES, TRANSITIONS, Incident, Status
from incidentbot.domain.policy import Policy

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
POLICY = Policy()


def incident(severity: int = 3, **kw: object) -> Incident:
    made = Incident.declare(summary="Checkout down", division="payments", severity=severity,
                            declared_by="U0ALICE", now=NOW, policy=POLICY, **kw)  # type: ignore[arg-type]
    made.number = 7
    made.events.clear()
    return made


def test_transitions_table_matches_the_vocabulary() -> None:
    for status in OPEN_STATUSES:
        assert TRANSITIONS[status] == (OPEN_STATUSES - {status}) | {Status.RESOLVED, Status.CANCELLED}
    assert TRANSITIONS[Status.RESOLVED] == frozenset() and TRANSITIONS[Status.CANCELLED] == frozenset()


def test_declaration_defaults_and_sev1_is_company_wide() -> None:
    made = incident()
    assert made.status is Status.INVESTIGATING and made.commander == made.communicator == "U0ALICE"
    assert made.next_update_due_at == NOW + timedelta(minutes=60) and not made.company_wide
    assert incident(severity=1).company_wide
    with pytest.raises(InvalidTransition):
        incident(severity=5)
    with pytest.raises(InvalidTransition):
        Incident.declare(summary="  ", division="x", severity=3, declared_by="U0A", now=NOW, policy=POLICY)


def test_update_moves_status_records_events_and_resets_the_clock() -> None:
    made = incident()
    later = NOW + timedelta(minutes=10)
    made.post_update(text="Found it", actor="U0BOB", now=later, policy=POLICY, status=Status.IDENTIFIED)
    assert made.status is Status.IDENTIFIED and made.next_update_due_at == later + timedelta(minutes=60)
    assert [e.kind for e in made.events] == ["status_changed", "update"]
    made.post_update(text="Watching", actor="U0BOB", now=later, policy=POLICY, status=Status.INVESTIGATING)
    assert made.status is Status.INVESTIGATING  # any open status may go to any other


def test_severity_change_replans_and_escalation_to_sev1_goes_company_wide() -> None:
    made = incident(severity=3)
    made.change_severity(severity=2, actor="U0ALICE", now=NOW + timedelta(minutes=5), policy=POLICY)
    assert made.next_update_due_at == NOW + timedelta(minutes=30)
    made.change_severity(severity=1, actor="U0ALICE", now=NOW + timedelta(minutes=40), policy=POLICY)
    assert made.company_wide and made.next_update_due_at == NOW + timedelta(minutes=40)  # never in the past
    with pytest.raises(NothingToDo):
        made.change_severity(severity=1, actor="U0ALICE", now=NOW, policy=POLICY)


def test_only_the_people_running_it_or_admins_may_resolve_cancel_or_change_severity() -> None:
    made = incident()
    for act in (lambda who, admins: made.change_severity(severity=2, actor=who, now=NOW, policy=POLICY,
                                                         admins=admins),
                lambda who, admins: made.resolve(actor=who, now=NOW, admins=admins)):
        with pytest.raises(NotAllowed, match="commander"):
            act("U0MALLORY", frozenset())
    made.resolve(actor="U0ADMIN", now=NOW, admins=frozenset({"U0ADMIN"}))
    assert made.status is Status.RESOLVED


def test_resolve_stops_the_clock_and_is_final() -> None:
    made = incident(commander="U0BOB")
    made.resolve(actor="U0ALICE", now=NOW + timedelta(hours=1), summary="Rolled back")
    assert made.resolved_at == NOW + timedelta(hours=1) and made.next_update_due_at is None
    assert made.pending_handoffs == [] and made.resolution == "Rolled back"
    with pytest.raises(NothingToDo):
        made.resolve(actor="U0ALICE", now=NOW)
    with pytest.raises(InvalidTransition):
        made.cancel(actor="U0ALICE", now=NOW)
    with pytest.raises(InvalidTransition):
        made.post_update(text="late", actor="U0ALICE", now=NOW, policy=POLICY)
    made.add_note(text="Notes are still welcome after the fact", actor="U0BOB", now=NOW)


def test_bookkeeping_fields() -> None:
    made = incident()
    made.set_fields(values={"impact": "EU checkout", "root_cause": "bad deploy"}, actor="U0BOB", now=NOW)
    assert made.impact == "EU checkout" and made.root_cause == "bad deploy"
    with pytest.raises(InvalidTransition):
        made.set_fields(values={"colour": "red"}, actor="U0BOB", now=NOW)
    with pytest.raises(InvalidTransition):
        made.set_fields(values={}, actor="U0BOB", now=NOW)
