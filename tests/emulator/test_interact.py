"""What the emulator POSTs to the app when a person submits a modal is shaped as Slack's view_submission."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

import pytest

from incidentbot.emulator.forms import FormError, form_values
from incidentbot.emulator.interact import view_submission
from incidentbot.emulator.state import APP_ID, BOT_ID, TEAM_ID, ViewRecord


def test_a_submission_carries_the_view_as_the_app_set_it_and_the_inputs_state() -> None:
    title, save = {"type": "plain_text", "text": "Postmortem OUT-7"}, {"type": "plain_text", "text": "Save"}
    element = {"type": "plain_text_input", "action_id": "what-went-well", "multiline": True}
    block = {"type": "input", "block_id": "what-went-well", "label": {"type": "plain_text", "text": "?"},
             "element": element}  # fmt: skip
    modal = {"type": "modal", "callback_id": "postmortem", "private_metadata": "7", "title": title, "submit": save,
             "blocks": [block]}  # fmt: skip
    record = ViewRecord("V1", "modal", "U0ALICE", "T.1", modal, None, "1.abc")
    values = {"what-went-well": {"what-went-well": {"type": "plain_text_input", "value": None}}}
    body = parse_qs(view_submission(record.to_api(), values, user="U0ALICE", trigger_id="1.2", user_name="alice"))
    payload = json.loads(body["payload"][0])

    assert (payload["type"], payload["api_app_id"], payload["trigger_id"]) == ("view_submission", APP_ID, "1.2")
    assert payload["user"] == {"id": "U0ALICE", "username": "alice", "name": "alice", "team_id": TEAM_ID}
    assert (payload["response_urls"], payload["is_enterprise_install"]) == ([], False)
    view = payload["view"]
    assert (view["id"], view["hash"], view["root_view_id"], view["previous_view_id"]) == ("V1", "1.abc", "V1", None)
    assert (view["callback_id"], view["private_metadata"], view["app_id"], view["bot_id"]) == (
        "postmortem", "7", APP_ID, BOT_ID)
    assert (view["title"]["text"], view["submit"]["text"], view["close"]) == ("Postmortem OUT-7", "Save", None)
    assert view["blocks"] == modal["blocks"]
    assert view["state"] == {"values": values}
    assert (view["clear_on_close"], view["notify_on_close"], view["team_id"]) == (False, False, TEAM_ID)


def _input(block_id: str, label: str, element: dict[str, object]) -> dict[str, object]:
    return {"type": "input", "block_id": block_id, "label": {"type": "plain_text", "text": label},
            "element": {"action_id": f"{block_id}-action", **element}}  # fmt: skip


SEV = [{"text": {"type": "plain_text", "text": f"SEV{n}"}, "value": str(n)} for n in (1, 2, 3)]
FORM = {"type": "modal", "blocks": [
    {"type": "section", "text": {"type": "mrkdwn", "text": "not an input"}},
    _input("summary", "Summary", {"type": "plain_text_input", "initial_value": "Checkout fails"}),
    _input("notes", "Notes", {"type": "plain_text_input", "multiline": True}),
    _input("sev", "Severity", {"type": "static_select", "options": SEV, "initial_option": SEV[2]}),
    _input("drill", "Drill", {"type": "checkboxes", "options": SEV[:1]}),
    _input("who", "Commander", {"type": "users_select"}),
]}  # fmt: skip


def test_a_scripted_person_fills_a_form_and_the_rest_keeps_what_it_shows() -> None:
    assert form_values(FORM, {}) == {
        "summary": {"summary-action": {"type": "plain_text_input", "value": "Checkout fails"}},
        "notes": {"notes-action": {"type": "plain_text_input", "value": None}},
        "sev": {"sev-action": {"type": "static_select", "selected_option": SEV[2]}},
        "drill": {"drill-action": {"type": "checkboxes", "selected_options": []}},
        "who": {"who-action": {"type": "users_select", "selected_user": None}},
    }
    filled = form_values(FORM, {"notes": "Rolled back", "Severity": "SEV1", "summary": ""})
    assert filled["notes"]["notes-action"]["value"] == "Rolled back"
    assert filled["sev"]["sev-action"]["selected_option"] == SEV[0]
    assert filled["summary"]["summary-action"]["value"] is None
    assert form_values(FORM, {"sev": "2"})["sev"]["sev-action"]["selected_option"] == SEV[1]


@pytest.mark.parametrize(("filled", "problem"), [
    ({"Title": "x"}, "the form has no input 'Title'"),
    ({"sev": "SEV9"}, "'Severity' offers no 'SEV9'"),
    ({"drill": "yes"}, "'Drill' is a checkboxes; only text inputs and menus"),
])  # fmt: skip
def test_what_the_form_does_not_have_is_named(filled: dict[str, str], problem: str) -> None:
    with pytest.raises(FormError, match=re.escape(problem)):
        form_values(FORM, filled)
