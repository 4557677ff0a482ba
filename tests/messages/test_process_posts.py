"""The outage-process messages: the chase of a silent incident, an escalation read as one, and one duties
DM listing every role the person holds."""

from __future__ import annotations

from incidentbot.domain.model import Role
from incidentbot.messages.company import escalation
from incidentbot.messages.dm import roles_duties, update_chase_dm
from incidentbot.messages.thread import update_chase_post
from tests.messages.render_support import HOSTILE, NOW, POLICY, URL, all_text, incident, later, valid


def test_the_chase_says_how_long_the_incident_has_been_silent() -> None:
    inc = incident(communicator="U3")
    inc.accept_handoff(user="U3", now=NOW)
    text = all_text(valid(update_chase_post(inc, now=later(75))))
    assert "⚠️ <@U1> <@U3>: still no status update on OUT-12: silent for 1 h 15 min since it was declared" in text
    assert "is overdue" not in text
    inc.post_update(text="Rolled back", actor="U3", now=later(80), policy=POLICY)
    assert "silent for 1 h 40 min since the last update" in all_text(update_chase_post(inc, now=later(180)))


def test_the_chase_dm_offers_the_commander_a_handoff_and_the_communicator_just_the_command() -> None:
    inc = incident(communicator="U3")
    inc.accept_handoff(user="U3", now=NOW)
    to_communicator = valid(update_chase_dm(inc, user="U3", now=later(75))).text
    to_commander = valid(update_chase_dm(inc, user="U1", now=later(75))).text
    assert to_communicator.startswith("⚠️ Still no status update on OUT-12: silent for 1 h 15 min")
    assert "`/outage communicator @user OUT-12`" in to_commander and "@user" not in to_communicator


def test_an_escalation_reads_as_one_in_the_company_channel() -> None:
    inc = incident(severity=3, summary=HOSTILE)
    inc.change_severity(severity=1, actor="U2", now=later(5), policy=POLICY, admins={"U2"})
    msg = valid(escalation(inc, old=3, actor="U2", public_url=URL, now=later(5)))
    text = all_text(msg)
    assert msg.text.startswith("⬆️ OUT-12 (payments) was escalated from SEV3 to SEV1 by <@U2>: checkout down")
    assert "<!channel>" not in text and "<!here" not in text
    assert "New SEV" not in text and "*Commander*" in text


def test_one_duties_dm_lists_every_role_the_person_holds() -> None:
    msg = valid(roles_duties(incident(), roles=[Role.COMMANDER, Role.COMMUNICATOR]))
    text = all_text(msg)
    assert msg.text == "You are the commander and communicator of OUT-12"
    assert "You are the *commander* and *communicator* of OUT-12 (SEV2, payments)" in text
    assert "*You decide*" in text and "*You keep stakeholders informed*" in text
