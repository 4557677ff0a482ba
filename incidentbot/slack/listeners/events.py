"""Events Slack sends (App Home opened, 📌 added or removed, incident links shared) and the message shortcut
"Add to outage timeline"."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.domain.incident_id import parse_id
from incidentbot.messages import ids
from incidentbot.messages.home import unfurl_card
from incidentbot.messages.message import actions, button, compose, section
from incidentbot.service import home, pins, queries
from incidentbot.service.context import Context
from incidentbot.service.pins import Pinned

log = logging.getLogger("incidentbot.slack")

PIN = "pushpin"
NO_OUTAGE_HERE = ("This channel has no open outage, so there is no timeline to add the message to. Use it in an "
                  "outage's thread or division channel.")
CANNOT_READ = ("I cannot read that channel, so I cannot put its messages on an outage timeline. Invite me "
               "(`/invite @incidentbot`) and try again.")


def register(app: App, *, ctx: Context) -> None:
    @app.event("app_home_opened")
    def on_home(ack: Ack, event: dict[str, Any], client: WebClient) -> None:
        ack()
        if event.get("tab", "home") == "home" and isinstance(event.get("user"), str):
            publish_home(ctx, client, event["user"])

    @app.event("reaction_added")
    def on_pin(ack: Ack, event: dict[str, Any], client: WebClient) -> None:
        ack()
        item = event.get("item") or {}
        if event.get("reaction") == PIN and item.get("type") == "message":
            _pin(ctx, client, channel=str(item.get("channel")), ts=str(item.get("ts")), by=str(event.get("user")),
                 author=event.get("item_user"), respond=None)

    @app.event("reaction_removed")
    def on_unpin(ack: Ack, event: dict[str, Any]) -> None:
        ack()
        item = event.get("item") or {}
        if event.get("reaction") == PIN and item.get("type") == "message":
            pins.unpinned(ctx, channel_id=str(item.get("channel")), ts=str(item.get("ts")), by=str(event.get("user")))

    @app.event("link_shared")
    def on_link(ack: Ack, event: dict[str, Any], client: WebClient) -> None:
        ack()
        _unfurl(ctx, client, event)

    _register_pin_shortcut(app, ctx=ctx)


def _register_pin_shortcut(app: App, *, ctx: Context) -> None:
    @app.shortcut(ids.PIN_SHORTCUT)
    def on_pin_shortcut(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond) -> None:
        ack()
        message = body.get("message") or {}
        _pin(ctx, client, channel=str((body.get("channel") or {}).get("id")), ts=str(message.get("ts")),
             by=str((body.get("user") or {}).get("id")), author=message.get("user"), respond=respond,
             text=str(message.get("text") or ""))

    @app.action(ids.PIN_TO_INCIDENT)
    def on_pin_choice(ack: Ack, action: dict[str, Any], body: dict[str, Any], client: WebClient,
                      respond: Respond) -> None:  # fmt: skip
        ack()
        from incidentbot.slack.listeners.actions import _value

        v = _value(action)
        by = str((body.get("user") or {}).get("id"))
        _pin(ctx, client, channel=str(v.get("channel")), ts=str(v.get("ts")), by=by, author=v.get("author"),
             respond=respond, number=v.get("incident"))


def publish_home(ctx: Context, client: WebClient, user: str) -> None:
    view = home.view_for(ctx, user)
    try:
        client.views_publish(user_id=user, view=view)
    except SlackApiError:
        log.warning("could not publish the Home tab of %s", user, exc_info=True)


def _pin(ctx: Context, client: WebClient, *, channel: str, ts: str, by: str, author: Any, respond: Respond | None,
         text: str = "", number: Any = None) -> None:  # fmt: skip
    """Put one message on the timeline of the incident it belongs to, or ask which, or say why not. A 📌 in a
    channel with no open outage is somebody else's business (no Slack call, no answer); the shortcut is answered."""
    if respond is None and not pins.incidents_in_channel(ctx, channel):
        return
    try:
        link = client.chat_getPermalink(channel=channel, message_ts=ts).get("permalink") or ""
        found = _message(client, channel, ts)
    except SlackApiError as error:
        log.info("cannot read %s/%s for a pin: %s", channel, ts, error.response.get("error"))
        _say(client, respond, channel, by, CANNOT_READ)
        return
    text = text or str(found.get("text") or "")
    chosen = number if isinstance(number, int) and not isinstance(number, bool) else None
    candidates = pins.incidents_in_channel(ctx, channel, thread_ts=found.get("thread_ts"), number=chosen)
    if number is not None and chosen is None:
        candidates = []  # a malformed choice names no outage
    if not candidates:
        _say(client, respond, channel, by, NO_OUTAGE_HERE)
        return
    if len(candidates) > 1:
        _ask_which(client, respond, channel, ts, by, author, candidates)
        return
    pinned = Pinned(channel_id=channel, ts=ts, author=author if isinstance(author, str) else None, by=by,
                    permalink=link, text=text)
    incident, added = pins.add_to_timeline(ctx, int(candidates[0].number or 0), pinned)
    if respond is not None:
        said = "Added to" if added else "Already on"
        _say(client, respond, channel, by, f"{said} {incident.label}'s timeline.")


def _message(client: WebClient, channel: str, ts: str) -> dict[str, Any]:
    """The message (with `thread_ts` when it is in a thread). Given a reply's ts, Slack answers with its thread."""
    found = [m for m in client.conversations_replies(channel=channel, ts=ts, limit=200).get("messages") or []
             if isinstance(m, dict)]  # fmt: skip
    match = next((m for m in found if m.get("ts") == ts), None)
    if match is not None:
        return match
    return {"thread_ts": found[0].get("ts")} if found else {}


def _ask_which(client: WebClient, respond: Respond | None, channel: str, ts: str, by: str, author: Any,
               candidates: list[Any]) -> None:  # fmt: skip
    buttons = [button(i.label, action_id=ids.PIN_TO_INCIDENT,
                      value={"incident": i.number, "channel": channel, "ts": ts, "author": author})
               for i in candidates[:pins.CHOICES]]  # fmt: skip
    msg = compose("Which outage is this message about?", [
        section("This channel has several open outages. Which timeline should the message go on?"),
        actions(*buttons),
    ])  # fmt: skip
    _say(client, respond, channel, by, msg.text, msg.blocks)


def _say(client: WebClient, respond: Respond | None, channel: str, user: str, text: str,
         blocks: list[dict[str, Any]] | None = None) -> None:  # fmt: skip
    try:
        if respond is not None:
            respond(text=text, blocks=blocks, response_type="ephemeral", replace_original=False)
        else:
            try:
                client.chat_postEphemeral(channel=channel, user=user, text=text, blocks=blocks)
            except SlackApiError:  # not a member of that channel (any more): a DM reaches them all the same
                client.chat_postMessage(channel=user, text=text, blocks=blocks)
    except Exception:
        log.warning("could not answer %s about a pin", user, exc_info=True)


def _unfurl(ctx: Context, client: WebClient, event: dict[str, Any]) -> None:
    base = ctx.config.public_url.rstrip("/") + "/incidents/"
    unfurls: dict[str, Any] = {}
    for link in event.get("links") or []:
        url = link.get("url") if isinstance(link, dict) else None
        if not isinstance(url, str) or not url.startswith(base):
            continue
        number = parse_id(url.removeprefix(base).split("?")[0].strip("/"), ctx.config.id_prefix)
        view = queries.incident_by_number(ctx, number) if number else None
        if view is not None:
            unfurls[url] = unfurl_card(view.incident, now=ctx.clock())
    if not unfurls:
        return
    target = ({"unfurl_id": event["unfurl_id"], "source": event.get("source", "conversations_history")}
              if event.get("unfurl_id") else {"channel": event.get("channel"), "ts": event.get("message_ts")})
    try:
        client.chat_unfurl(unfurls=unfurls, **target)
    except SlackApiError:
        log.warning("could not unfurl %s", list(unfurls), exc_info=True)
