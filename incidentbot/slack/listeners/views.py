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
    """The submitted declare form as a command, or FormProblems naming each field to fix."""
    form = _Form(view)
    summary = _summary(form)
    division = _division(form)
    severity = _severity(form)
    commander = form.person(ids.COMMANDER_BLOCK, ids.COMMANDER_ACTION)
    communicator = form.person(ids.COMMUNICATOR_BLOCK, ids.COMMUNICATOR_ACTION)
    if form.errors:
        raise FormProblems(form.errors)
    return c.Declare(
        summary=escape(summary), division=division, severity=severity,
        company_wide=form.checked(ids.COMPANY_WIDE_BLOCK, ids.COMPANY_WIDE_ACTION),
        drill=form.checked(ids.DRILL_BLOCK, ids.DRILL_ACTION),
        commander=commander, communicator=communicator,
    )  # fmt: skip


class _Form:
    """The form's state values, read without trusting their shape; problems are collected per block."""

    def __init__(self, view: dict[str, Any]) -> None:
        values = (view.get("state") or {}).get("values") or {}
        self.values: dict[str, Any] = values if isinstance(values, dict) else {}
        self.errors: dict[str, str] = {}

    def element(self, block: str, action: str) -> dict[str, Any]:
        inputs = self.values.get(block)
        found = inputs.get(action) if isinstance(inputs, dict) else None
        return found if isinstance(found, dict) else {}

    def option(self, block: str, action: str) -> Any:
        selected = self.element(block, action).get("selected_option")
        return selected.get("value") if isinstance(selected, dict) else None

    def person(self, block: str, action: str) -> str | None:
        chosen = self.element(block, action).get("selected_user")
        if chosen is None or chosen == "":
            return None
        if not isinstance(chosen, str) or user_id(f"<@{chosen}>") != chosen:
            self.errors[block] = "Choose a person from the list."
            return None
        return chosen

    def checked(self, block: str, action: str) -> bool:
        options = self.element(block, action).get("selected_options")
        return isinstance(options, list) and any(isinstance(o, dict) and o.get("value") == ids.CHECKED
                                                 for o in options)


def _text(found: Any) -> str:
    return found.strip() if isinstance(found, str) else ""


def _summary(form: _Form) -> str:
    summary = _text(form.element(ids.SUMMARY_BLOCK, ids.SUMMARY_ACTION).get("value"))
    if not summary:
        form.errors[ids.SUMMARY_BLOCK] = "Say in a few words what is broken."
    elif len(summary) > SUMMARY_LIMIT:
        form.errors[ids.SUMMARY_BLOCK] = f"Keep the summary under {SUMMARY_LIMIT} characters; add detail in an update."
    return summary


def _division(form: _Form) -> str:
    typed = form.element(ids.DIVISION_BLOCK, ids.DIVISION_ACTION).get("value")
    division = (_text(form.option(ids.DIVISION_BLOCK, ids.DIVISION_ACTION)) or _text(typed)).lower()
    if not division:
        form.errors[ids.DIVISION_BLOCK] = "Choose the affected division."
    elif not validation.is_division_name(division):
        form.errors[ids.DIVISION_BLOCK] = "Use lowercase letters, digits, - and _ only."
    return division


def _severity(form: _Form) -> int:
    """SEV3 when none is chosen (the form's default)."""
    chosen = form.option(ids.SEVERITY_BLOCK, ids.SEVERITY_ACTION)
    severity = 3 if chosen is None else validation.severity_named(str(chosen)) or 0
    if not severity:
        form.errors[ids.SEVERITY_BLOCK] = "Choose SEV1 to SEV4."
        severity = 3
    return severity
