"""What the emulator POSTs to the app when a person submits a modal is shaped as Slack's view_submission."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

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
