"""The web fallback's writes: checked input → the same command objects and service handlers Slack uses.

Forms and the JSON write API both come through here, so they accept the same things and refuse them with the
same words. `Rejected` carries the HTTP status and the message; nothing was written when it is raised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from starlette.concurrency import run_in_threadpool

from incidentbot.domain import validation
from incidentbot.domain.errors import DomainError, NotAllowed
from incidentbot.domain.model import Incident, Role, Status
from incidentbot.messages import text as slack_text
from incidentbot.service import actions, lifecycle, postmortem, queries, roles
from incidentbot.service import commands as c
from incidentbot.service import declare as declaring
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.web.render import plain

SUMMARY_LIMIT = 500
TEXT_LIMIT = 40_000  # like Slack's own limit: stored whole, posts link to the whole
ACTION_LIMIT = 500
_OWNER = re.compile(r"<?@?([UW][A-Z0-9]{2,20})(?:\|[^>]*)?>?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True)
class EditSection:
    """A person's text for one postmortem section (the page's form; the API and the modal edit the same way)."""

    number: int
    key: str
    text: str


class Rejected(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def text_field(values: dict[str, Any], name: str, *, limit: int = TEXT_LIMIT, required: bool = True) -> str | None:
    value = values.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise Rejected(f"`{name}` is required: a non-empty string.")
        return None
    if not isinstance(value, str):
        raise Rejected(f"`{name}` must be a string.")
    value = value.strip()
    if len(value) > limit:
        raise Rejected(f"`{name}` is {len(value)} characters long; at most {limit}.")
    return slack_text.escape(value)  # stored as Slack would have sent it, like every other surface


def severity_field(values: dict[str, Any], name: str = "severity", default: int | None = None) -> int:
    value = values.get(name, default)
    if isinstance(value, str):
        value = validation.severity_named(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value not in (1, 2, 3, 4):
        raise Rejected(f"`{name}` must be 1, 2, 3 or 4.")
    return value


def flag_field(values: dict[str, Any], name: str) -> bool:
    value = values.get(name, False)
    if isinstance(value, str) and value in ("true", "on", ""):
        return value != ""
    if not isinstance(value, bool):
        raise Rejected(f"`{name}` must be true or false.")
    return value


def division_field(values: dict[str, Any]) -> str:
    value = values.get("division")
    if not isinstance(value, str) or not value.strip():
        raise Rejected("`division` is required: the name of the affected division, e.g. `payments`.")
    value = value.strip()
    if validation.division_name_has_bad_characters(value) or validation.division_name_too_long(value):
        raise Rejected(f"`division` must be letters, digits, `-` and `_`, at most {validation.DIVISION_LIMIT}.")
    return value.lower()


def status_field(values: dict[str, Any]) -> Status | None:
    value = values.get("status")
    if value is None or value == "":
        return None
    named = validation.update_status_named(value) if isinstance(value, str) else None
    if named is None or named is Status.RESOLVED:
        raise Rejected("`status` must be investigating, identified or monitoring (resolve with `resolve`).")
    return named


def role_field(values: dict[str, Any]) -> Role | None:
    value = values.get("role")
    if value in (None, ""):
        return None
    if value not in {str(r) for r in Role}:
        raise Rejected("`role` must be commander or communicator.")
    return Role(value)


def owner_field(values: dict[str, Any]) -> str | None:
    value = values.get("owner")
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    match = _OWNER.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Rejected("`owner` must be a Slack user id such as `U012AB3CD` (their profile, ⋮, Copy member ID).")
    return match.group(1)


def due_field(values: dict[str, Any]) -> date | None:
    value = values.get("due")
    if value is None or value == "":
        return None
    try:
        if isinstance(value, str) and _DATE.fullmatch(value.strip()):
            return date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise Rejected("`due` must be a date written YYYY-MM-DD, e.g. `2024-07-31`.")


def declare_command(values: dict[str, Any]) -> c.Declare:
    summary = text_field(values, "summary", limit=SUMMARY_LIMIT)
    assert summary is not None
    return c.Declare(summary=summary, division=division_field(values), severity=severity_field(values, default=3),
                     company_wide=flag_field(values, "company_wide"), drill=flag_field(values, "drill"))  # fmt: skip


async def perform(ctx: Context, cmd: Any, *, actor: str, role: Role | None = None) -> Incident:
    """Run one command for `actor` (one transaction); refusals become `Rejected`, nothing written."""
    try:
        return await run_in_threadpool(_run, ctx, cmd, Caller(user_id=actor), role)
    except Refused as refused:
        raise Rejected(plain(refused.message)) from None
    except DomainError as error:
        raise Rejected(plain(str(error)), status=403 if isinstance(error, NotAllowed) else 400) from None


def _run(ctx: Context, cmd: Any, caller: Caller, role: Role | None) -> Incident:
    match cmd:
        case c.Declare():
            return declaring.declare(cmd, caller=caller, ctx=ctx)
        case c.Update():
            return lifecycle.post_update(cmd, caller=caller, ctx=ctx)
        case c.Note():
            return lifecycle.add_note(cmd, caller=caller, ctx=ctx)
        case c.ChangeSeverity():
            return lifecycle.change_severity(cmd, caller=caller, ctx=ctx)
        case c.Ack():
            return roles.answer_handoff(cmd, caller=caller, ctx=ctx, role=role)[0]
        case c.Resolve():
            return lifecycle.resolve(cmd, caller=caller, ctx=ctx)
        case c.AddAction():
            return actions.add_action(cmd, caller=caller, ctx=ctx)[1]
        case c.DoneAction():
            return _incident_of(ctx, actions.close_action(cmd, caller=caller, ctx=ctx).incident_number)
        case EditSection():
            return postmortem.edit_sections(ctx, cmd.number, {cmd.key: cmd.text}, actor=caller.user_id).incident
    raise Rejected("not something the pages can do")


def _incident_of(ctx: Context, number: int) -> Incident:
    found = queries.incident_by_number(ctx, number)
    assert found is not None  # an action item's incident is never deleted
    return found.incident
