"""The "Edit postmortem" button (on the `/outage postmortem` answer and the reminder) and its modal."""

from __future__ import annotations

import json
import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from incidentbot.domain.errors import DomainError
from incidentbot.messages import ids
from incidentbot.messages.postmortem_doc import postmortem_modal
from incidentbot.service import postmortem
from incidentbot.service.context import Context, Refused

log = logging.getLogger("incidentbot.slack")


def register(app: App, *, ctx: Context) -> None:
    @app.action(ids.EDIT_POSTMORTEM)
    def on_edit(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        found = postmortem.view(ctx, _number(action.get("value")))
        if found is None:
            respond(text="That outage no longer exists.", response_type="ephemeral", replace_original=False)
            return
        try:
            client.views_open(trigger_id=body.get("trigger_id", ""), view=postmortem_modal(found.incident,
                                                                                           found.sections))
        except Exception:
            log.warning("could not open the postmortem form", exc_info=True)
            respond(text="Slack did not open the form; edit the postmortem on its page instead.",
                    response_type="ephemeral", replace_original=False)

    @app.view(ids.POSTMORTEM_MODAL)
    def on_saved(ack: Ack, body: dict[str, Any], view: dict[str, Any]) -> None:
        user = (body.get("user") or {}).get("id", "")
        number = _number(view.get("private_metadata"))
        try:
            save_form(ctx, number, view, actor=user)
        except (Refused, DomainError) as refused:
            message = refused.message if isinstance(refused, Refused) else str(refused)
            first = next(iter((view.get("state") or {}).get("values") or {"who-was-involved": {}}))
            ack(response_action="errors", errors={first: message[:150]})
            return
        ack()


def save_form(ctx: Context, number: int, view: dict[str, Any], *, actor: str) -> None:
    """Save the sections whose text the person changed, in one transaction."""
    found = postmortem.view(ctx, number)
    if found is None:
        raise Refused("That outage no longer exists.")
    current = {s.key: s.text for s in found.sections}
    changed: dict[str, object] = {}
    for key, block in ((view.get("state") or {}).get("values") or {}).items():
        value = (block.get(key) or {}).get("value") or ""
        if key in current and value.strip() != current[key].strip():
            changed[key] = value
    if changed:
        postmortem.edit_sections(ctx, number, changed, actor=actor)


def _number(raw: object) -> int:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        value = None
    if isinstance(value, dict):
        value = value.get("incident")
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0
