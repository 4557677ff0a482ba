"""Handoffs count only once the new holder accepts: pure domain rules with a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo
from incidentbot.domain.model import Handoff, Incident, Role
from incidentbot.domain.policy import Policy
from incidentbot.domain.timeline import BOT, Kind

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
POLICY = Policy(handoff_timeout=timedelta(minutes=10))


def minutes(n: float) -> datetime:
    return NOW + timedelta(minutes=n)


def incident(**kw: object) -> Incident:
    made = Incident.declare(summary="Checkout down", division="payments", severity=3, declared_by="U0ALICE",
                            now=NOW, policy=POLICY, **kw)  # type: ignore[arg-type]
    made.number = 7
    made.events.clear()
    return made


def kinds(made: Incident) -> list[str]:
    return [str(e.kind) for e in made.events]


def test_a_request_leaves_the_role_with_its_holder_until_the_target_accepts() -> None:
    made = incident()
    handoff = made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=minutes(1))
    assert handoff == Handoff(role=Role.COMMANDER, to="U0BOB", requested_by="U0ALICE", requested_at=minutes(1))
    assert made.commander == "U0ALICE" and made.pending_handoffs == [handoff]
    assert kinds(made) == ["handoff_requested"] and made.events[0].people == ("U0BOB",)
    assert made.events[0].text == "Commander handoff to U0BOB pending their answer"

    accepted = made.accept_handoff(user="U0BOB", now=minutes(2))
    assert accepted == [handoff]
    assert made.commander == "U0BOB" and made.communicator == "U0ALICE" and made.pending_handoffs == []
    assert made.events[-1].kind is Kind.HANDOFF_ACCEPTED and made.events[-1].actor == "U0BOB"
    assert made.events[-1].text == "U0BOB accepted the commander role from U0ALICE"


def test_only_the_target_can_answer_and_a_repeat_changes_nothing_and_says_so() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMUNICATOR, to="U0BOB", actor="U0ALICE", now=NOW)
    for verb in (made.accept_handoff, made.decline_handoff):
        with pytest.raises(NotAllowed, match=r"Only the person a handoff is addressed to .*communicator → <@U0BOB>"):
            verb(user="U0DAVE", now=minutes(1))
    assert made.communicator == "U0ALICE" and len(made.pending_handoffs) == 1
    made.accept_handoff(user="U0BOB", now=minutes(1), role=Role.COMMUNICATOR)
    before = (made.commander, made.communicator, len(made.events))
    # The button again (it names the role), a Slack retry, `/outage ack` again (no role): nothing changes.
    with pytest.raises(NothingToDo, match="already the communicator"):
        made.accept_handoff(user="U0BOB", now=minutes(2), role=Role.COMMUNICATOR)
    with pytest.raises(NothingToDo, match="already the communicator"):
        made.accept_handoff(user="U0BOB", now=minutes(2))
    with pytest.raises(NothingToDo):
        made.decline_handoff(user="U0BOB", now=minutes(2))
    assert (made.commander, made.communicator, len(made.events)) == before


def test_a_repeated_ack_by_a_holder_says_so_even_while_someone_else_is_asked() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=NOW)
    made.accept_handoff(user="U0BOB", now=minutes(1))
    made.request_handoff(role=Role.COMMUNICATOR, to="U0CAROL", actor="U0BOB", now=minutes(2))
    with pytest.raises(NothingToDo, match=r"already the commander.*communicator → <@U0CAROL>"):
        made.accept_handoff(user="U0BOB", now=minutes(3))
    assert made.communicator == "U0ALICE"


def test_decline_leaves_the_role_where_it_was() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=NOW)
    declined = made.decline_handoff(user="U0BOB", now=minutes(1))
    assert [h.to for h in declined] == ["U0BOB"]
    assert made.commander == "U0ALICE" and made.pending_handoffs == []
    assert made.events[-1].kind is Kind.HANDOFF_DECLINED and made.events[-1].actor == "U0BOB"
    with pytest.raises(NothingToDo, match="no pending handoff"):
        made.accept_handoff(user="U0BOB", now=minutes(2))


def test_a_new_request_for_the_same_role_replaces_the_pending_one() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=NOW)
    made.request_handoff(role=Role.COMMUNICATOR, to="U0DAVE", actor="U0ALICE", now=NOW)
    made.request_handoff(role=Role.COMMANDER, to="U0CAROL", actor="U0ALICE", now=minutes(1))
    assert {(h.role, h.to) for h in made.pending_handoffs} == {(Role.COMMANDER, "U0CAROL"),
                                                               (Role.COMMUNICATOR, "U0DAVE")}
    assert kinds(made)[-2:] == ["handoff_replaced", "handoff_requested"]
    with pytest.raises(NotAllowed):
        made.accept_handoff(user="U0BOB", now=minutes(2))
    # Asking the same person again while they have not answered is a repeat, not a new request.
    with pytest.raises(NothingToDo, match="already waiting"):
        made.request_handoff(role=Role.COMMANDER, to="U0CAROL", actor="U0ALICE", now=minutes(2))
    with pytest.raises(NothingToDo, match="already the commander"):
        made.request_handoff(role=Role.COMMANDER, to="U0ALICE", actor="U0ALICE", now=minutes(2))


def test_only_the_people_running_the_incident_may_ask_for_a_handoff() -> None:
    made = incident()
    with pytest.raises(NotAllowed):
        made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0DAVE", now=NOW)
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ADMIN", now=NOW,
                         admins=frozenset({"U0ADMIN"}))


def test_one_person_asked_for_both_roles_takes_both_with_one_ack() -> None:
    made = incident(commander="U0BOB", communicator="U0BOB")
    assert {h.role for h in made.pending_handoffs} == {Role.COMMANDER, Role.COMMUNICATOR}
    assert made.commander == made.communicator == "U0ALICE"
    made.accept_handoff(user="U0BOB", now=minutes(1))
    assert made.commander == made.communicator == "U0BOB"


def test_the_button_names_the_role_and_answers_only_that_one() -> None:
    made = incident(commander="U0BOB", communicator="U0BOB")
    made.decline_handoff(user="U0BOB", now=minutes(1), role=Role.COMMUNICATOR)
    assert [h.role for h in made.pending_handoffs] == [Role.COMMANDER]
    made.accept_handoff(user="U0BOB", now=minutes(2), role=Role.COMMANDER)
    assert made.commander == "U0BOB" and made.communicator == "U0ALICE"


def test_reping_once_at_half_the_timeout_and_expire_at_the_timeout() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=NOW)
    assert made.reping_handoff(role=Role.COMMANDER, now=minutes(4.9), policy=POLICY) is None
    repinged = made.reping_handoff(role=Role.COMMANDER, now=minutes(5), policy=POLICY)
    assert repinged is not None and repinged.repinged and made.pending_handoffs == [repinged]
    assert made.events[-1].kind is Kind.HANDOFF_REPINGED and made.events[-1].actor == BOT
    assert made.reping_handoff(role=Role.COMMANDER, now=minutes(6), policy=POLICY) is None  # once only
    assert made.reping_handoff(role=Role.COMMUNICATOR, now=minutes(6), policy=POLICY) is None  # none pending

    assert made.expire_handoff(role=Role.COMMANDER, now=minutes(9.9), policy=POLICY) is None
    expired = made.expire_handoff(role=Role.COMMANDER, now=minutes(10), policy=POLICY)
    assert expired is not None and expired.to == "U0BOB"
    assert made.commander == "U0ALICE" and made.pending_handoffs == []
    assert made.events[-1].kind is Kind.HANDOFF_EXPIRED
    assert made.events[-1].text == "No answer from U0BOB: the commander role stays with U0ALICE"
    assert made.expire_handoff(role=Role.COMMANDER, now=minutes(11), policy=POLICY) is None
    with pytest.raises(NothingToDo):
        made.accept_handoff(user="U0BOB", now=minutes(11))


def test_a_replacement_restarts_the_timeout() -> None:
    made = incident()
    made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=NOW)
    made.request_handoff(role=Role.COMMANDER, to="U0CAROL", actor="U0ALICE", now=minutes(8))
    assert made.expire_handoff(role=Role.COMMANDER, now=minutes(10), policy=POLICY) is None
    assert made.expire_handoff(role=Role.COMMANDER, now=minutes(18), policy=POLICY) is not None


def test_closing_the_incident_ends_pending_handoffs() -> None:
    made = incident(commander="U0BOB")
    made.resolve(actor="U0ALICE", now=minutes(3))
    assert made.pending_handoffs == []
    assert made.reping_handoff(role=Role.COMMANDER, now=minutes(5), policy=POLICY) is None
    with pytest.raises(InvalidTransition, match="resolved"):
        made.accept_handoff(user="U0BOB", now=minutes(4))
    with pytest.raises(InvalidTransition):
        made.request_handoff(role=Role.COMMANDER, to="U0BOB", actor="U0ALICE", now=minutes(4))


def test_the_holder_keeps_getting_reminders_until_the_handoff_is_accepted() -> None:
    made = incident(communicator="U0BOB")
    assert made.communicator == "U0ALICE"
    assert made.remind_update(now=minutes(60))
    assert made.events[-1].text == "Status update due from U0ALICE"
    made.accept_handoff(user="U0BOB", now=minutes(61))
    made.post_update(text="Rolled back", actor="U0BOB", now=minutes(62), policy=POLICY)
    assert made.remind_update(now=minutes(122))
    assert made.events[-1].text == "Status update due from U0BOB"
