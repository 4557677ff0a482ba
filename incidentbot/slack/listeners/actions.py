"""Button clicks: confirmations of resolve/cancel, and Accept/Decline of a handoff."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App, Respond

from incidentbot.domain.errors import InvalidTransition, NothingToDo
from incidentbot.domain.model import Role
from incidentbot.messages import done, ids
from incidentbot.service import commands as c
from incidentbot.service import lifecycle, roles
from incidentbot.service.context import Caller, Context, Refused, Reply
from incidentbot.slack.listeners.guard import answer

log = logging.getLogger("incidentbot.slack")


def register(app: App, *, ctx: Context) -> None:
    app.action(ids.CONFIRM_RESOLVE)(_confirmation(_resolve, ctx))
    app.action(ids.CONFIRM_CANCEL)(_confirmation(_cancel, ctx))
    app.action(ids.ACCEPT_HANDOFF)(_handoff_answer(c.Ack, ctx))
    app.action(ids.DECLINE_HANDOFF)(_handoff_answer(c.Decline, ctx))

    @app.action(ids.ABORT_CONFIRM)
    def on_abort(ack: Ack, respond: Respond) -> None:
        ack()
        _replace(respond, Reply(text="Nothing changed: the outage stays open."))


Closer = Callable[[dict[str, Any], Caller, Context], Reply]


def _confirmation(close: Closer, ctx: Context) -> Callable[..., None]:
    """A Confirm button (resolve or cancel): act, then replace the question so it cannot be clicked again."""

    def on_confirm(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        value = _value(action)
        caller = _caller(body)
        reply = answer(lambda: close(value, caller, ctx))
        ack()
        _replace(respond, reply)

    return on_confirm


def _handoff_answer(command: type[c.Ack] | type[c.Decline], ctx: Context) -> Callable[..., None]:
    """Accept or Decline in the DM: the buttons go once the answer counts; a refused click leaves them."""

    def on_answer(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        value = _value(action)
        reply, settled = _settling(lambda: _answer(command(ref=_number(value)), value, _caller(body), ctx))
        ack()
        if settled:
            _replace(respond, reply)
        else:
            _tell(respond, reply)

    return on_answer


def _resolve(value: dict[str, Any], caller: Caller, ctx: Context) -> Reply:
    token = value.get("pending")
    if isinstance(token, str) and token:  # the summary waits on the server (service.confirmations)
        incident = lifecycle.resolve_confirmed(token, caller=caller, ctx=ctx)
    else:  # a button posted before summaries were kept on the server carries the summary itself
        summary = value.get("summary") if isinstance(value.get("summary"), str) else None
        incident = lifecycle.resolve(c.Resolve(ref=_number(value), summary=summary), caller=caller, ctx=ctx)
    msg = done(f"{incident.label} is resolved. Reminders have stopped; the postmortem is next.")
    return Reply(msg.text, msg.blocks)


def _cancel(value: dict[str, Any], caller: Caller, ctx: Context) -> Reply:
    incident = lifecycle.cancel(c.Cancel(ref=_number(value)), caller=caller, ctx=ctx)
    msg = done(f"{incident.label} is cancelled.")
    return Reply(msg.text, msg.blocks)


def _answer(cmd: c.Ack | c.Decline, value: dict[str, Any], caller: Caller, ctx: Context) -> Reply:
    role = Role(value["role"]) if value.get("role") in {r.value for r in Role} else None
    incident, answered = roles.answer_handoff(cmd, caller=caller, ctx=ctx, role=role)
    names = " and ".join(str(h.role) for h in answered)
    verb = "You are now the" if isinstance(cmd, c.Ack) else "You declined the"
    msg = done(f"{verb} {names} of {incident.label}.")
    return Reply(msg.text, msg.blocks)


def _value(action: dict[str, Any]) -> dict[str, Any]:
    try:
        value = json.loads(action.get("value") or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _number(value: dict[str, Any]) -> int:
    number = value.get("incident")
    if not isinstance(number, int) or isinstance(number, bool) or number <= 0:
        raise Refused("This button does not name an outage; it may come from an older version of the bot.")
    return number


def _caller(body: dict[str, Any]) -> Caller:
    channel = body.get("channel") or {}
    return Caller(user_id=(body.get("user") or {}).get("id", ""), channel_id=channel.get("id"),
                  channel_name=channel.get("name"))


def _settling(work: Callable[[], Reply]) -> tuple[Reply, bool]:
    """Run a handoff answer. `settled` is False when the buttons must stay: the click came from someone else,
    or failed on our side and may be tried again."""
    settled = True

    def guarded() -> Reply:
        nonlocal settled
        try:
            return work()
        except (NothingToDo, InvalidTransition, Refused):
            raise
        except Exception:
            settled = False
            raise

    return answer(guarded), settled


def _tell(respond: Respond, reply: Reply) -> None:
    """Answer the person who clicked without touching the message that holds the buttons."""
    try:
        respond(text=reply.text, blocks=reply.blocks or None, response_type="ephemeral", replace_original=False)
    except Exception:
        log.warning("could not answer the button click", exc_info=True)


def _replace(respond: Respond, reply: Reply) -> None:
    """Replace the message holding the buttons, so they cannot be clicked again."""
    try:
        respond(text=reply.text, blocks=reply.blocks or None, replace_original=True)
    except Exception:
        log.warning("could not update the message with the buttons", exc_info=True)
