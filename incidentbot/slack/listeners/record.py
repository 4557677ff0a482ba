"""The after-the-outage sub-commands of `/outage`: action items and the service-quality record."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.messages import done
from incidentbot.messages.actions import action_list, action_row
from incidentbot.messages.postmortem_doc import postmortem_answer
from incidentbot.service import actions, postmortem, queries
from incidentbot.service import commands as c
from incidentbot.service.context import Caller, Context, Refused, Reply
from incidentbot.slack.listeners.stats import show_stats

log = logging.getLogger("incidentbot.slack")

RecordCommand = c.AddAction | c.ListActions | c.DoneAction | c.ReopenAction | c.ShowStats
ParsedCommand = TypeVar("ParsedCommand")


def run_record(parsed: RecordCommand, caller: Caller, ctx: Context) -> Reply:
    """The answer to one of the record's commands (the `/outage` table's handler for each of them)."""
    match parsed:
        case c.AddAction():
            item, incident = actions.add_action(parsed, caller=caller, ctx=ctx)
            return _say(f"Added {item.label} to {incident.label}.")
        case c.ListActions():
            found = actions.list_actions(parsed, caller=caller, ctx=ctx)
            rows = [action_row(i, incident_label=found.labels[i.incident_number], today=found.today)
                    for i in found.items]  # fmt: skip
            return _reply(action_list(rows, title=_list_title(parsed, ctx.config.id_prefix)))
        case c.DoneAction():
            item = actions.close_action(parsed, caller=caller, ctx=ctx)
            return _say(f"{item.label} is done.")
        case c.ReopenAction():
            item = actions.reopen_action(parsed, caller=caller, ctx=ctx)
            return _say(f"{item.label} is open again.")
        case c.ShowStats():
            return show_stats(parsed, ctx=ctx)
    raise AssertionError(f"not a record command: {parsed!r}")


def show_postmortem(cmd: c.Postmortem, caller: Caller, ctx: Context) -> Reply:
    """The document, its link, what is still empty, and the Edit postmortem button."""
    number = queries.incident_for(ctx, caller, cmd.ref).incident.number
    found = postmortem.view(ctx, number or 0)
    assert found is not None
    return _reply(postmortem_answer(found.incident, found.sections, public_url=ctx.config.public_url))


def known_owner(parsed: ParsedCommand, client: WebClient) -> ParsedCommand:
    """`parsed`, after checking that an action item's `--owner` is someone Slack knows (a refusal if not)."""
    if isinstance(parsed, c.AddAction) and parsed.owner:
        check_known_user(client, parsed.owner)
    return parsed


def check_known_user(client: WebClient, user: str) -> None:
    """Refuse a mention Slack does not know; when Slack cannot be asked, the mention is trusted."""
    try:
        client.users_info(user=user)
    except SlackApiError as error:
        if error.response.get("error") in ("user_not_found", "users_not_found"):
            raise Refused(f"<@{user}> is not a member of this workspace: mention the owner with `@`.") from None
        log.warning("could not check user %s: %s", user, error.response.get("error"))
    except Exception:
        log.warning("could not check user %s", user, exc_info=True)


def _list_title(parsed: c.ListActions, prefix: str) -> str:
    scope = f"{'My' if parsed.mine else 'All'} {'open ' if parsed.open_only else ''}action items"
    return scope if parsed.ref is None else f"{scope} of {prefix}-{parsed.ref}"


def _reply(msg: Any) -> Reply:
    return Reply(text=msg.text, blocks=msg.blocks)


def _say(text: str) -> Reply:
    return _reply(done(text))
