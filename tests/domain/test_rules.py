"""The rules the domain decides once for every surface: where an incident is heard of, what a value may be,
who may do what, and that timeline text names people as data rather than Slack markup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.domain import validation
from incidentbot.domain.due import DueKind, next_rollup
from incidentbot.domain.errors import InvalidTransition, NotAllowed, NothingToDo
from incidentbot.domain.model import Incident, Role, Status
from incidentbot.domain.policy import Policy

NOW = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)
POLICY = Policy()


def incident(severity: int = 3, **kw: object) -> Incident:
    made = Incident.declare(summary="Checkout down", division="payments", severity=severity, declared_by="U0ALICE",
                            now=NOW, policy=POLICY, **kw)  # type: ignore[arg-type]
    made.number = 4
    return made


@pytest.mark.parametrize(
    ("kw", "heard", "posts"),
    [
        ({"severity": 3}, True, False),
        ({"severity": 3, "company_wide": True}, True, True),
        ({"severity": 1}, True, True),
        ({"severity": 1, "drill": True}, False, False),
        ({"severity": 3, "company_wide": True, "drill": True}, False, False),
    ],
)
def test_the_company_channel_hears_of_real_incidents_and_gets_the_posts_of_company_wide_ones(
    kw: dict[str, object], heard: bool, posts: bool
) -> None:
    made = incident(**kw)  # type: ignore[arg-type]
    assert (made.in_company_channel, made.posts_to_company) == (heard, posts)


def test_cancelled_incidents_and_drills_do_not_count_as_outages() -> None:
    real, drill, mistaken = incident(), incident(drill=True), incident()
    mistaken.cancel(actor="U0ALICE", now=NOW)
    assert (real.counts_as_outage, drill.counts_as_outage, mistaken.counts_as_outage) == (True, False, False)


def test_the_next_rollup_is_one_interval_after_the_last() -> None:
    item = next_rollup(NOW, timedelta(minutes=60))
    assert (item.kind, item.due_at, item.key(None)) == (DueKind.ROLLUP, NOW + timedelta(minutes=60), "rollup")


@pytest.mark.parametrize(("text", "severity"), [("2", 2), ("02", 2), ("sev1", 1), ("SEV-4", 4), ("Sev3", 3)])
def test_severities_are_named_in_several_ways(text: str, severity: int) -> None:
    assert validation.severity_named(text) == severity


@pytest.mark.parametrize("text", ["0", "5", "sev", "-1", "1.5", "", "sev 2", "10"])
def test_anything_else_names_no_severity(text: str) -> None:
    assert validation.severity_named(text) is None


def test_declaring_or_changing_to_an_unknown_severity_is_refused_with_the_same_words() -> None:
    with pytest.raises(InvalidTransition, match=r"Severity must be 1, 2, 3 or 4, not 5\."):
        incident(5)
    with pytest.raises(InvalidTransition, match=r"Severity must be 1, 2, 3 or 4, not 0\."):
        incident().change_severity(severity=0, actor="U0ALICE", now=NOW, policy=POLICY)


def test_an_update_may_name_the_open_statuses_and_resolved_never_cancelled() -> None:
    assert validation.update_status_named("Identified") is Status.IDENTIFIED
    assert validation.update_status_named("resolved") is Status.RESOLVED
    assert validation.update_status_named("cancelled") is None
    assert validation.update_status_named("fixed") is None


@pytest.mark.parametrize(("name", "ok"), [("payments", True), ("eu-west_2", True), ("pay ments", False),
                                          ("paiements-é", False), ("x" * 60, True), ("x" * 61, False)])
def test_division_names_are_one_short_word(name: str, ok: bool) -> None:
    assert validation.is_division_name(name) is ok


def test_known_divisions_only_when_some_are_configured() -> None:
    assert validation.is_known_division("anything", None)
    assert validation.is_known_division("payments", ("payments", "search"))
    assert not validation.is_known_division("billing", ("payments", "search"))


def test_only_the_people_running_it_or_an_admin_may_close_it_and_the_check_changes_nothing() -> None:
    made = incident(communicator="U0BOB")
    with pytest.raises(NotAllowed, match="Only the commander"):
        made.check_can_close(actor="U0CAROL")
    made.check_can_close(actor="U0CAROL", admins={"U0CAROL"})
    made.check_can_close(actor="U0ALICE", cancel=True)
    assert made.is_open and made.pending_handoffs and [e.kind for e in made.events] == ["declared", "handoff_requested"]
    made.resolve(actor="U0ALICE", now=NOW)
    with pytest.raises(NothingToDo, match="already resolved"):
        made.check_can_close(actor="U0ALICE")
    with pytest.raises(InvalidTransition, match=r"Cannot cancel OUT-4: it is resolved\."):
        made.check_can_close(actor="U0ALICE", cancel=True)


def test_only_the_person_asked_may_answer_a_handoff() -> None:
    made = incident(communicator="U0BOB")
    with pytest.raises(NotAllowed, match="Only the person a handoff is addressed to"):
        made.accept_handoff(user="U0CAROL", now=NOW)
    assert made.accept_handoff(user="U0BOB", now=NOW)[0].role is Role.COMMUNICATOR


def test_timeline_text_names_people_by_plain_id_and_lists_them_as_data() -> None:
    made = incident(commander="U0BOB", communicator="U0ALICE")
    made.accept_handoff(user="U0BOB", now=NOW)
    made.request_handoff(role=Role.COMMUNICATOR, to="U0CAROL", actor="U0BOB", now=NOW)
    made.expire_handoff(role=Role.COMMUNICATOR, now=NOW + timedelta(hours=1), policy=POLICY)
    made.remind_update(now=NOW + timedelta(hours=2))
    made.notice_overdue(now=NOW + timedelta(hours=2), policy=POLICY)
    made.resolve(actor="U0BOB", now=NOW + timedelta(hours=3))
    made.remind_postmortem(now=NOW + timedelta(days=9), policy=POLICY)
    assert all("<@" not in e.text for e in made.events)
    named = [(str(e.kind), e.people) for e in made.events if e.people]
    assert named == [
        ("handoff_requested", ("U0BOB",)),
        ("handoff_accepted", ("U0BOB", "U0ALICE")),
        ("handoff_requested", ("U0CAROL",)),
        ("handoff_expired", ("U0CAROL", "U0ALICE")),
        ("update_due", ("U0ALICE",)),
        ("update_overdue", ("U0BOB",)),
        ("postmortem_reminder", ("U0BOB",)),
    ]
    assert all(person in e.text for e in made.events for person in e.people)


def test_at_declaration_each_person_holds_what_they_are_not_handing_off() -> None:
    assert incident().duties_at_declaration() == {"U0ALICE": [Role.COMMANDER, Role.COMMUNICATOR]}
    assert incident(communicator="U0BOB").duties_at_declaration() == {"U0ALICE": [Role.COMMANDER]}
    assert incident(commander="U0BOB", communicator="U0ALICE").duties_at_declaration() == {
        "U0ALICE": [Role.COMMUNICATOR]}
    assert incident(commander="U0BOB", communicator="U0CAROL").duties_at_declaration() == {}
