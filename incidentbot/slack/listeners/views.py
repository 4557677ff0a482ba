"""Modal submissions: the declare form (`/outage declare` with no text)."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App

from incidentbot.domain.errors import DomainError
from incidentbot.service import commands as c
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.service.declare import declare
from incidentbot.slack import ids
from incidentbot.slack.parser import DIVISION_LIMIT, SUMMARY_LIMIT
from incidentbot.slack.render import declared_view
from incidentbot.slack.text import escape

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
        try:
            cmd = read_declare_form(view)
            # The view id makes a repeated submission of the same form a no-op instead of a second outage.
            incident = declare(cmd, caller=Caller(user_id=user, channel_id=origin), ctx=ctx,
                               request_key=f"view:{view.get('id')}")
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

    def element(block: str, action: str) -> dict[str, Any]:
        found = (values.get(block) or {}).get(action)
        return found if isinstance(found, dict) else {}

    errors: dict[str, str] = {}
    summary = (element(ids.SUMMARY_BLOCK, ids.SUMMARY_ACTION).get("value") or "").strip()
    if not summary:
        errors[ids.SUMMARY_BLOCK] = "Say in a few words what is broken."
    elif len(summary) > SUMMARY_LIMIT:
        errors[ids.SUMMARY_BLOCK] = f"Keep the summary under {SUMMARY_LIMIT} characters; add detail in an update."

    division_element = element(ids.DIVISION_BLOCK, ids.DIVISION_ACTION)
    selected = division_element.get("selected_option") or {}
    division = (selected.get("value") or division_element.get("value") or "").strip().lower()
    if not division:
        errors[ids.DIVISION_BLOCK] = "Choose the affected division."
    elif len(division) > DIVISION_LIMIT or not all(ch.isalnum() or ch in "-_" for ch in division):
        errors[ids.DIVISION_BLOCK] = "Use lowercase letters, digits, - and _ only."

    severity_value = (element(ids.SEVERITY_BLOCK, ids.SEVERITY_ACTION).get("selected_option") or {}).get("value")
    try:
        severity = int(severity_value) if severity_value is not None else 3
        if severity not in (1, 2, 3, 4):
            raise ValueError
    except (TypeError, ValueError):
        errors[ids.SEVERITY_BLOCK] = "Choose SEV1 to SEV4."
        severity = 3

    def checked(block: str, action: str) -> bool:
        options = element(block, action).get("selected_options") or []
        return any(isinstance(o, dict) and o.get("value") == ids.CHECKED for o in options)

    if errors:
        raise FormProblems(errors)
    return c.Declare(
        summary=escape(summary), division=division, severity=severity,
        company_wide=checked(ids.COMPANY_WIDE_BLOCK, ids.COMPANY_WIDE_ACTION),
        drill=checked(ids.DRILL_BLOCK, ids.DRILL_ACTION),
        commander=element(ids.COMMANDER_BLOCK, ids.COMMANDER_ACTION).get("selected_user") or None,
        communicator=element(ids.COMMUNICATOR_BLOCK, ids.COMMUNICATOR_ACTION).get("selected_user") or None,
    )  # fmt: skip
