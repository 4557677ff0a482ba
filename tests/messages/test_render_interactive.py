"""Renderers for people: direct messages, ephemeral replies and the declare modal."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from incidentbot.domain.model import Role, Status
from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.messages import (
    candidates,
    confirm_cancel,
    confirm_resolve,
    declare_modal,
    declared_view,
    done,
    error_message,
    handoff_request,
    handoff_result_for_requester,
    help_message,
    ids,
    incident_list,
    incident_status,
    overdue_dm_for_commander,
    postmortem_reminder,
    role_duties,
    timeline_message,
    update_due_dm,
)
from incidentbot.messages import text as t
from incidentbot.messages.usage import USAGE
from tests.messages.render_support import (
    HOSTILE,
    NOW,
    POLICY,
    URL,
    all_text,
    button_values,
    buttons,
    incident,
    later,
    valid,
    valid_view,
)

# ----- direct messages ------------------------------------------------------------------------------------


def test_commander_duties_say_who_decides() -> None:
    text = all_text(valid(role_duties(incident(), role=Role.COMMANDER)))
    assert "You are the *commander* of OUT-12 (SEV2, payments): checkout down" in text
    assert "*You decide*" in text and "`/outage resolve OUT-12 [summary]`" in text


def test_communicator_duties_give_the_cadence_and_the_command() -> None:
    text = all_text(valid(role_duties(incident(), role=Role.COMMUNICATOR, cadence=timedelta(minutes=30))))
    assert "Post a status update every 30 min with `/outage update OUT-12 &lt;text&gt;`" in text
    assert "Next update due: <!date^" in text
    assert "on the SEV2 cadence" in all_text(role_duties(incident(), role=Role.COMMUNICATOR))


def test_handoff_request_has_accept_and_decline_buttons() -> None:
    inc = incident(communicator="U3")
    msg = valid(handoff_request(inc, inc.pending_handoffs[0], cadence=timedelta(minutes=30)))
    text = all_text(msg)
    assert "<@U1> asks you to take over as *communicator* of OUT-12" in text
    assert "every 30 min" in text and "Until you accept, <@U1> stays communicator." in text
    accept, decline = buttons(msg)
    assert (accept["text"]["text"], accept["style"], accept["action_id"]) == ("Accept", "primary", ids.ACCEPT_HANDOFF)
    assert (decline["text"]["text"], decline["action_id"]) == ("Decline", ids.DECLINE_HANDOFF)
    assert button_values(msg) == {
        ids.ACCEPT_HANDOFF: {"incident": 12, "role": "communicator"},
        ids.DECLINE_HANDOFF: {"incident": 12, "role": "communicator"},
    }


def test_handoff_reping_says_it_is_a_reminder() -> None:
    inc = incident(commander="U2")
    repinged = inc.reping_handoff(role=Role.COMMANDER, now=later(5))
    assert repinged is not None
    msg = valid(handoff_request(inc, repinged, cadence=timedelta(minutes=30)))
    assert msg.text.startswith("Reminder: <@U1> asks you to be the commander of OUT-12")


@pytest.mark.parametrize(
    ("outcome", "expected"),
    [
        ("accepted", "✅ <@U2> accepted: they are now the commander of OUT-12."),
        ("declined", "↩️ <@U2> declined the commander role of OUT-12: the commander role stays with <@U1>."),
        ("expired", "⌛ <@U2> did not answer your commander handoff for OUT-12 in time: the commander role stays"),
    ],
)
def test_handoff_result_for_requester(outcome: str, expected: str) -> None:
    inc = incident(commander="U2")
    msg = valid(handoff_result_for_requester(inc, inc.pending_handoffs[0], outcome=outcome))
    assert msg.text.startswith(expected)


def test_handoff_result_rejects_an_unknown_outcome() -> None:
    inc = incident(commander="U2")
    with pytest.raises(ValueError, match="outcome"):
        handoff_result_for_requester(inc, inc.pending_handoffs[0], outcome="maybe")


def test_reminder_dms() -> None:
    inc = incident(communicator="U3")
    inc.accept_handoff(user="U3", now=later(1))
    assert valid(update_due_dm(inc)).text.startswith("⏰ A status update on OUT-12 is due now.")
    overdue = valid(overdue_dm_for_commander(inc)).text
    assert "The status update on OUT-12 is overdue" in overdue and "<@U3> is the communicator" in overdue
    assert "`/outage communicator @user OUT-12`" in overdue


def test_postmortem_reminder_links_the_incident_page() -> None:
    inc = incident()
    inc.resolve(actor="U1", now=later(90))
    text = all_text(valid(postmortem_reminder(inc, public_url=URL)))
    assert "OUT-12 was resolved <!date^" in text and "after 1 h 30 min" in text
    assert f"<{URL}/incidents/OUT-12|Incident page>" in text


# ----- ephemeral replies ----------------------------------------------------------------------------------


def test_help_lists_every_usage_line_escaped() -> None:
    text = all_text(valid(help_message(None)))
    for usage in USAGE.values():
        assert f"`{t.escape(usage)}`" in text
    assert "<summary>" not in text and "&lt;summary&gt;" in text


def test_help_for_one_topic() -> None:
    msg = valid(help_message("update"))
    assert msg.text.startswith(f"`{t.escape(USAGE['update'])}`")
    assert "Post a status update" in msg.text and "declare" not in msg.text


def test_help_for_an_unknown_topic_says_so_and_lists_all() -> None:
    text = all_text(valid(help_message("frobnicate")))
    assert "No command `frobnicate`." in text and "/outage list" in text


def test_error_message_shows_the_usage_line() -> None:
    msg = valid(error_message("Unknown flag `--sevv`.", USAGE["declare"]))
    assert msg.blocks[0]["text"]["text"] == "⚠️ Unknown flag `--sevv`."
    assert msg.blocks[1]["elements"][0]["text"].startswith("Usage: `/outage declare [--division D]")
    assert len(valid(error_message("Nope.", None)).blocks) == 1


def test_done() -> None:
    assert valid(done("Severity changed.")).text == "✅ Severity changed."


def test_incident_list() -> None:
    assert valid(incident_list([], now=NOW)).text == "No open outages."
    msg = valid(incident_list([incident(), incident(number=13, severity=1)], now=later(30)))
    text = all_text(msg)
    assert msg.text == "2 open outages"
    assert "🟠 OUT-12 SEV2 investigating: checkout down\npayments · commander <@U1> · declared 30 min ago" in text


def test_incident_status_reports_undelivered_posts() -> None:
    msg = valid(incident_status(incident(), now=later(1), public_url=URL, undelivered=2))
    assert msg.blocks[0]["text"]["text"] == "🟠 OUT-12 · SEV2 · investigating"
    assert "2 Slack posts for OUT-12 not delivered yet" in all_text(msg)
    assert "not delivered" not in all_text(incident_status(incident(), now=later(1), public_url=URL))


def test_timeline_shows_time_actor_kind_and_text() -> None:
    inc = incident()
    inc.add_note(text="Looking at the DB", actor="U2", now=later(3))
    inc.remind_update(now=later(30))
    msg = valid(timeline_message(inc, inc.events))
    text = all_text(msg)
    assert "*Timeline of OUT-12 (3 events, times UTC)*" in text
    assert "`2024-05-01 10:00` <@U1> *declared* SEV2 declared (division payments): checkout down" in text
    assert "`10:03` <@U2> *note* Looking at the DB" in text
    assert "`10:30` incidentbot *update_due*" in text


def test_long_timeline_keeps_the_newest_and_links_the_page() -> None:
    events = [TimelineEvent(at=later(n), kind=Kind.NOTE, actor=BOT, text=f"note {n}") for n in range(120)]
    msg = valid(timeline_message(incident(), events, public_url=URL))
    text = all_text(msg)
    assert len(msg.blocks) == t.MAX_BLOCKS
    assert f"72 earlier events not shown: <{URL}/incidents/OUT-12|full timeline>" in text
    assert "note 119" in text and "note 72" in text and "note 71" not in text


def test_confirm_resolve_carries_number_and_summary() -> None:
    msg = valid(confirm_resolve(incident(), summary="Cert renewed"))
    confirm, keep = buttons(msg)
    assert (confirm["text"]["text"], confirm["style"]) == ("Confirm", "primary")
    assert keep["text"]["text"] == "Keep open"
    assert button_values(msg) == {
        ids.CONFIRM_RESOLVE: {"incident": 12, "summary": "Cert renewed"},
        ids.ABORT_CONFIRM: {"incident": 12},
    }
    assert "*Resolution:* Cert renewed" in all_text(msg)
    assert button_values(valid(confirm_resolve(incident(), summary=None)))[ids.CONFIRM_RESOLVE] == {"incident": 12}


def test_confirm_resolve_fits_a_huge_summary_into_the_button() -> None:
    msg = valid(confirm_resolve(incident(), summary='"quoted" \\ ' * 500))
    summary = button_values(msg)[ids.CONFIRM_RESOLVE]["summary"]
    assert summary.endswith("…") and f"*Resolution:* {summary[:50]}" in all_text(msg)


def test_confirm_cancel_is_a_danger_button() -> None:
    msg = valid(confirm_cancel(incident()))
    confirm, keep = buttons(msg)
    assert (confirm["style"], confirm["action_id"]) == ("danger", ids.CONFIRM_CANCEL)
    assert keep["action_id"] == ids.ABORT_CONFIRM
    assert json.loads(confirm["value"]) == {"incident": 12}
    assert "Cancel *OUT-12*" in msg.text


def test_candidates_lists_incidents_and_how_to_name_one() -> None:
    msg = valid(candidates([incident(), incident(number=13)], reason="This channel has 2 open outages."))
    text = all_text(msg)
    assert "⚠️ This channel has 2 open outages." in text
    assert "🟠 OUT-12 SEV2 investigating: checkout down\n🟠 OUT-13" in text
    assert "`/outage status OUT-12`" in text
    assert "No open outages." in all_text(valid(candidates([], reason="This channel has no open outage.")))


def test_every_reply_is_valid_with_hostile_and_huge_text() -> None:
    huge = HOSTILE + "z" * 10_000
    inc = incident(summary=huge, commander="U2")
    inc.post_update(text=huge, actor="U1", now=later(1), policy=POLICY, status=Status.MONITORING)
    inc.add_note(text=huge, actor="U1", now=later(2))
    for msg in (
        role_duties(inc, role=Role.COMMANDER),
        handoff_request(inc, inc.pending_handoffs[0], cadence=timedelta(minutes=30)),
        error_message(huge, huge),
        done(huge),
        incident_list([inc] * 60, now=later(3)),
        incident_status(inc, now=later(3), public_url=URL, undelivered=1),
        timeline_message(inc, inc.events * 30, public_url=URL),
        confirm_resolve(inc, summary=huge),
        confirm_cancel(inc),
        candidates([inc] * 60, reason=huge),
    ):
        valid(msg)


# ----- modal ----------------------------------------------------------------------------------------------


def _block(view: dict[str, Any], block_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return found


def test_declare_modal_with_configured_divisions() -> None:
    view = valid_view(declare_modal(divisions=["payments", "search"], default_division="search", private_metadata="C1"))
    assert (view["callback_id"], view["private_metadata"]) == (ids.DECLARE_MODAL, "C1")
    summary = _block(view, ids.SUMMARY_BLOCK)["element"]
    assert (summary["type"], summary["multiline"], summary["max_length"]) == ("plain_text_input", True, 500)
    division = _block(view, ids.DIVISION_BLOCK)["element"]
    assert division["type"] == "static_select"
    assert [o["value"] for o in division["options"]] == ["payments", "search"]
    assert division["initial_option"]["value"] == "search"
    severity = _block(view, ids.SEVERITY_BLOCK)["element"]
    assert [o["value"] for o in severity["options"]] == ["1", "2", "3", "4"]
    assert severity["initial_option"]["value"] == "3"
    for block_id, action_id in ((ids.COMPANY_WIDE_BLOCK, ids.COMPANY_WIDE_ACTION), (ids.DRILL_BLOCK, ids.DRILL_ACTION)):
        block = _block(view, block_id)
        assert block["optional"] is True and block["element"]["type"] == "checkboxes"
        assert block["element"]["action_id"] == action_id
        assert block["element"]["options"][0]["value"] == ids.CHECKED
    for block_id in (ids.COMMANDER_BLOCK, ids.COMMUNICATOR_BLOCK):
        assert _block(view, block_id)["element"]["type"] == "users_select"
        assert _block(view, block_id)["optional"] is True


def test_declare_modal_without_configured_divisions_asks_for_a_name() -> None:
    view = valid_view(declare_modal(divisions=[], default_division="payments", private_metadata=""))
    division = _block(view, ids.DIVISION_BLOCK)["element"]
    assert division == {"type": "plain_text_input", "action_id": ids.DIVISION_ACTION, "initial_value": "payments"}


def test_declare_modal_with_too_many_divisions_falls_back_to_text() -> None:
    names = [f"division-{n}" for n in range(150)]
    view = valid_view(declare_modal(divisions=names, default_division=None, private_metadata=""))
    assert _block(view, ids.DIVISION_BLOCK)["element"]["type"] == "plain_text_input"


def test_declare_modal_refuses_oversized_metadata() -> None:
    with pytest.raises(ValueError, match="private_metadata"):
        declare_modal(divisions=[], default_division=None, private_metadata="x" * 3001)


def test_declared_view() -> None:
    view = valid_view(declared_view(incident(summary=HOSTILE)))
    assert "✅ *OUT-12* was declared (SEV2, payments)" in view["blocks"][0]["text"]["text"]
    assert "submit" not in view
