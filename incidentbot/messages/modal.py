"""The declare modal (`/outage declare` with no text) and the view that replaces it once submitted."""

from __future__ import annotations

from typing import Any

from incidentbot.domain.model import Incident
from incidentbot.domain.policy import SEVERITIES
from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages import words as w
from incidentbot.messages.message import plain, section

View = dict[str, Any]
TITLE = 24  # Slack's limit for a view's title, submit and close labels
METADATA = 3000
SUMMARY_MAX = 500
MAX_OPTIONS = 100
DEFAULT_SEVERITY = 3
SEVERITY_NOTES = {1: "worst; always company-wide", 3: "default"}


def declare_modal(
    *, divisions: list[str], default_division: str | None, private_metadata: str, summary: str | None = None
) -> View:
    if len(private_metadata) > METADATA:
        raise ValueError(f"private_metadata is {len(private_metadata)} characters; Slack allows {METADATA}")
    view: View = {
        "type": "modal",
        "callback_id": ids.DECLARE_MODAL,
        "title": plain("Declare an outage", TITLE),
        "submit": plain("Declare", TITLE),
        "close": plain("Cancel", TITLE),
        "blocks": [
            _summary_input(summary),
            _division_input(divisions, default_division),
            _severity_input(),
            _checkbox_input(ids.COMPANY_WIDE_BLOCK, ids.COMPANY_WIDE_ACTION, "Scope",
                            "Company-wide: announce in the company outage channel"),
            _checkbox_input(ids.DRILL_BLOCK, ids.DRILL_ACTION, "Drill",
                            "Drill (game day): labelled DRILL, never announced company-wide"),
            _user_input(ids.COMMANDER_BLOCK, ids.COMMANDER_ACTION, "Commander",
                        "Decides. Defaults to you; anyone else is asked to accept."),
            _user_input(ids.COMMUNICATOR_BLOCK, ids.COMMUNICATOR_ACTION, "Communicator",
                        "Posts the status updates. Defaults to the commander."),
        ],
    }  # fmt: skip
    if private_metadata:
        view["private_metadata"] = private_metadata
    return view


def declared_view(incident: Incident) -> View:
    return {
        "type": "modal",
        "callback_id": ids.DECLARED_VIEW,
        "title": plain("Outage declared", TITLE),
        "close": plain("Close", TITLE),
        "blocks": [
            section(
                f"✅ *{w.tag(incident)}* was declared ({w.sev(incident.severity)}, {incident.division}): "
                f"{incident.summary}\nIts thread in the division's outage channel has everything from here on."
            )
        ],
    }


def _summary_input(initial: str | None = None) -> dict[str, Any]:
    element: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": ids.SUMMARY_ACTION,
        "multiline": True,
        "max_length": SUMMARY_MAX,
        "placeholder": plain("What is broken, for whom?", 150),
    }
    if initial:
        element["initial_value"] = initial[:SUMMARY_MAX]
    return _input(ids.SUMMARY_BLOCK, "Summary", element)


def _division_input(divisions: list[str], default: str | None) -> dict[str, Any]:
    names = list(dict.fromkeys(divisions))
    element: dict[str, Any] = {"action_id": ids.DIVISION_ACTION}
    if _selectable(names):
        options = [_option(name, name) for name in names]
        element.update(type="static_select", options=options)
        if default in names:
            element["initial_option"] = options[names.index(default)]
    else:
        element["type"] = "plain_text_input"
        if default:
            element["initial_value"] = default
    return _input(ids.DIVISION_BLOCK, "Division", element)


def _severity_input() -> dict[str, Any]:
    options = [_option(_severity_label(n), str(n)) for n in SEVERITIES]
    element = {
        "type": "static_select",
        "action_id": ids.SEVERITY_ACTION,
        "options": options,
        "initial_option": options[SEVERITIES.index(DEFAULT_SEVERITY)],
    }
    return _input(ids.SEVERITY_BLOCK, "Severity", element)


def _checkbox_input(block_id: str, action_id: str, label: str, option: str) -> dict[str, Any]:
    element = {"type": "checkboxes", "action_id": action_id, "options": [_option(option, ids.CHECKED)]}
    return _input(block_id, label, element, optional=True)


def _user_input(block_id: str, action_id: str, label: str, hint: str) -> dict[str, Any]:
    element = {"type": "users_select", "action_id": action_id, "placeholder": plain("Choose someone", 150)}
    block = _input(block_id, label, element, optional=True)
    block["hint"] = plain(hint, 2000)
    return block


def _input(block_id: str, label: str, element: dict[str, Any], *, optional: bool = False) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}
    if optional:
        block["optional"] = True
    return block


def _option(text: str, value: str) -> dict[str, Any]:
    return {"text": plain(text, t.OPTION), "value": value}


def _selectable(divisions: list[str]) -> bool:
    """A menu only when every division fits in one (Slack: 100 options, 75-character labels)."""
    return 0 < len(divisions) <= MAX_OPTIONS and all(0 < len(d) <= t.OPTION for d in divisions)


def _severity_label(severity: int) -> str:
    note = SEVERITY_NOTES.get(severity)
    label = f"{w.SEVERITY_EMOJI[severity]} {w.sev(severity)}"
    return f"{label} ({note})" if note else label
