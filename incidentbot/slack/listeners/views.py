"""Modal submissions: the declare form (`/outage declare` with no text)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from incidentbot.domain import validation
from incidentbot.domain.errors import DomainError
from incidentbot.messages import declared_view, ids
from incidentbot.messages.text import escape
from incidentbot.service import commands as c
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.service.declare import declare
from incidentbot.slack.mentions import user_id
from incidentbot.slack.parser import SUMMARY_LIMIT

log = logging.getLogger("incidentbot.slack")


class FormProblems(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(errors)
        self.errors = errors


def register(app: App, *, ctx: Context) -> None:
    @app.view(ids.DECLARE_MODAL)
    def on_declare_submitted(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = (body.get("user") or {}).get("id", "")
        origin = view.get("private_metadata") or None
        # Opened from a report's "Declare from this": the metadata names the report instead of a channel.
        report = origin.removeprefix("report:") if origin and origin.startswith("report:") else None
        try:
            cmd = read_declare_form(view)
            # The view id makes a repeated submission of the same form a no-op instead of a second outage.
            incident = declare(cmd, caller=Caller(user_id=user, channel_id=None if report else origin), ctx=ctx,
                               request_key=f"view:{view.get('id')}",
                               report_id=int(report) if report and report.isdigit() else None)
        except FormProblems as problems:
            ack(response_action="errors", errors=problems.errors)
            return
        except (Refused, DomainError) as refused:
            message = refused.message if isinstance(refused, Refused) else str(refused)
            block = ids.DIVISION_BLOCK if "division" in message.lower() else ids.SUMMARY_BLOCK
            ack(response_action="errors", errors={block: message[:150]})
            return
        except Exception:
            log.exception("declaring from the form failed")
            ack(response_action="errors",
                errors={ids.SUMMARY_BLOCK: "Something went wrong on our side and nothing was recorded. Try again."})
            return
        ack(response_action="update", view=declared_view(incident))


def read_declare_form(view: dict[str, Any]) -> c.Declare:
    values: dict[str, dict[str, Any]] = (view.get("state") or {}).get("values") or {}

    if not isinstance(values, dict):
        values = {}

    def element(block: str, action: str) -> dict[str, Any]:
        inputs = values.get(block)
        found = inputs.get(action) if isinstance(inputs, dict) else None
        return found if isinstance(found, dict) else {}

    def text(found: Any) -> str:
        return found.strip() if isinstance(found, str) else ""

    def option(block: str, action: str) -> Any:
        selected = element(block, action).get("selected_option")
        return selected.get("value") if isinstance(selected, dict) else None

    errors: dict[str, str] = {}
    summary = text(element(ids.SUMMARY_BLOCK, ids.SUMMARY_ACTION).get("value"))
    if not summary:
        errors[ids.SUMMARY_BLOCK] = "Say in a few words what is broken."
    elif len(summary) > SUMMARY_LIMIT:
        errors[ids.SUMMARY_BLOCK] = f"Keep the summary under {SUMMARY_LIMIT} characters; add detail in an update."

    division_element = element(ids.DIVISION_BLOCK, ids.DIVISION_ACTION)
    division = (text(option(ids.DIVISION_BLOCK, ids.DIVISION_ACTION)) or text(division_element.get("value"))).lower()
    if not division:
        errors[ids.DIVISION_BLOCK] = "Choose the affected division."
    elif not validation.is_division_name(division):
        errors[ids.DIVISION_BLOCK] = "Use lowercase letters, digits, - and _ only."

    severity_value = option(ids.SEVERITY_BLOCK, ids.SEVERITY_ACTION)
    severity = 3 if severity_value is None else validation.severity_named(str(severity_value)) or 0
    if not severity:
        errors[ids.SEVERITY_BLOCK] = "Choose SEV1 to SEV4."
        severity = 3

    def person(block: str, action: str) -> str | None:
        chosen = element(block, action).get("selected_user")
        if chosen is None or chosen == "":
            return None
        if not isinstance(chosen, str) or user_id(f"<@{chosen}>") != chosen:
            errors[block] = "Choose a person from the list."
            return None
        return chosen

    commander = person(ids.COMMANDER_BLOCK, ids.COMMANDER_ACTION)
    communicator = person(ids.COMMUNICATOR_BLOCK, ids.COMMUNICATOR_ACTION)

    def checked(block: str, action: str) -> bool:
        options = element(block, action).get("selected_options")
        return isinstance(options, list) and any(isinstance(o, dict) and o.get("value") == ids.CHECKED
                                                 for o in options)

    if errors:
        raise FormProblems(errors)
    return c.Declare(
        summary=escape(summary), division=division, severity=severity,
        company_wide=checked(ids.COMPANY_WIDE_BLOCK, ids.COMPANY_WIDE_ACTION),
        drill=checked(ids.DRILL_BLOCK, ids.DRILL_ACTION),
        commander=commander, communicator=communicator,
    )  # fmt: skip
