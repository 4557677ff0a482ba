"""People acting in the emulated workspace: each runs slash commands, clicks buttons and submits modals, and sees
what Slack shows only them (the ack body, response_url posts, chat.postEphemeral, the modal the app opened).

Used by the emulator's page and by scripted people (the playground's scenarios) alike.
"""

from __future__ import annotations

import copy
import itertools
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from .inspection import Inspection
from .interact import Answer, AppLink, block_action, new_trigger_id, slash_command, view_submission

_MENTION = re.compile(r"(?<![<\w])([@#])([a-z0-9][a-z0-9._-]*)")


@dataclass
class Note:
    """Something only one person sees: an ephemeral message, or a word from the emulator itself."""

    id: int
    channel: str
    text: str
    blocks: list[dict[str, Any]]
    at: float
    source: str  # "ack", "response_url", "ephemeral" or "emulator"
    after: str = ""  # the ts of the channel's newest message when it arrived: where it shows among them


@dataclass
class Modal:
    view_id: str
    view: dict[str, Any]  # as the app last set it, with "id" and "hash"
    errors: dict[str, str] = field(default_factory=dict)
    seen_hash: str = ""  # the emulator's hash of the view when last taken in: views.update changes it


@dataclass
class _Sent:
    """A response_url handed out with a command or click: whose it is, and what was clicked (to replace)."""

    user: str
    channel: str
    note: int | None = None
    seen: int = 0


class People:
    def __init__(self, slack: Inspection, link: AppLink, *, new_response_url: Callable[[], str],
                 new_trigger: Callable[[str], str]) -> None:  # fmt: skip
        self.slack = slack
        self.link = link
        self._new_response_url = new_response_url
        self._new_trigger = new_trigger
        self._lock = threading.RLock()
        self._ids = itertools.count(1)
        self._notes: dict[str, list[Note]] = {}
        self._sent: dict[str, _Sent] = {}
        self._modals: dict[str, Modal] = {}
        self._views_seen = 0
        self._ephemerals_seen = 0

    # ------------------------------------------------------------------------------------ acting

    def command(self, user: str, channel_id: str, text: str, command: str = "/outage") -> Answer:
        channel = self.slack.channel_by_id(channel_id)
        name = channel.name if channel is not None and not channel.is_im else "directmessage"
        url = self._response_url(user, channel_id)
        body = slash_command(self._escape(text), user=user, user_name=self._name(user), channel_id=channel_id,
                             channel_name=name, response_url=url, trigger_id=self._new_trigger(user),
                             command=command)  # fmt: skip
        answer = self.link.post(body)
        self._acked(user, channel_id, answer, f"{command} {text}".strip())
        return answer

    def click(self, user: str, channel_id: str, action: dict[str, Any], *, message_ts: str | None = None,
              note: int | None = None) -> Answer:  # fmt: skip
        """Click a button in a channel message (``message_ts``) or in one of the person's notes (``note``)."""
        url = self._response_url(user, channel_id, note=note)
        container: dict[str, Any] = {"type": "message", "message_ts": message_ts or f"{time.time():.6f}",
                                     "channel_id": channel_id, "is_ephemeral": message_ts is None}  # fmt: skip
        channel = self.slack.channel_by_id(channel_id)
        where = {"id": channel_id, "name": channel.name} if channel is not None else None
        clicked: dict[str, Any] = {k: action[k] for k in ("action_id", "block_id", "value") if k in action}
        body = block_action(clicked, user=user, response_url=url, trigger_id=self._new_trigger(user),
                            container=container, channel=where)  # fmt: skip
        answer = self.link.post(body)
        if not answer.ok:
            self._say(user, channel_id, f"The app did not take the click: {answer.error}")
        return answer

    def submit(self, user: str, view_id: str, values: dict[str, Any]) -> Answer:
        with self._lock:
            modal = self._modals.get(user)
        if modal is None or modal.view_id != view_id:
            return Answer(409, {}, "that form is no longer open")
        answer = self.link.post(view_submission(modal.view, values, user=user, trigger_id=new_trigger_id(),
                                                user_name=self._name(user)))  # fmt: skip
        self._after_submit(user, modal, answer)
        return answer

    def close(self, user: str) -> None:
        with self._lock:
            self._modals.pop(user, None)

    # ------------------------------------------------------------------------------------ seeing

    def notes(self, user: str) -> list[Note]:
        self.sync()
        with self._lock:
            return copy.deepcopy(self._notes.get(user, []))

    def modal(self, user: str) -> Modal | None:
        self.sync()
        with self._lock:
            return copy.deepcopy(self._modals.get(user))

    def buttons(self, user: str) -> list[dict[str, Any]]:
        """Every button the person can see, newest first: in their notes, their DM with the app, then channels.
        Each is the rendered element plus where it is ("channel", and "message_ts" or "note")."""
        found: list[dict[str, Any]] = []
        for n in reversed(self.notes(user)):
            found += [{**b, "channel": n.channel, "note": n.id} for b in _buttons_in(n.blocks)]
        for channel in self.slack.all_channels():
            if channel.is_im and channel.im_user != user:
                continue
            for m in reversed(channel.messages):
                found += [{**b, "channel": channel.id, "message_ts": m.ts} for b in _buttons_in(m.blocks or [])]
        return found

    def sync(self) -> None:
        """Take in what the app sent since the last look: response_url posts, ephemerals, modals it opened."""
        responses = self.slack.responses
        ephemerals = self.slack.ephemerals
        views = self.slack.views
        with self._lock:
            for rid, sent in self._sent.items():
                for payload in responses.get(rid, [])[sent.seen :]:
                    self._take_response(sent, payload)
                sent.seen = len(responses.get(rid, []))
            for e in ephemerals[self._ephemerals_seen :]:
                self._add(e.user, e.channel, e.text, e.blocks or [], "ephemeral")
            self._ephemerals_seen = len(ephemerals)
            for v in views[self._views_seen :]:
                if v.kind == "modal":
                    self._modals[v.user] = Modal(v.id, v.to_api(), seen_hash=v.hash)
            self._views_seen = len(views)
            for modal in self._modals.values():
                current = next((v for v in views if v.id == modal.view_id), None)
                if current is not None and current.hash != modal.seen_hash:
                    modal.view, modal.errors, modal.seen_hash = current.to_api(), {}, current.hash

    # ------------------------------------------------------------------------------------ inside

    def _name(self, user: str) -> str:
        return next((p.name for p in self.slack.everyone() if p.id == user), user.lower())

    def _escape(self, text: str) -> str:
        """What Slack does to a command's text for an app with should_escape: @name → <@U…|name>, and
        #channel → <#C…|channel>, for the people and channels that exist."""
        users = {p.name: p.id for p in self.slack.everyone()}
        channels = {c.name: c.id for c in self.slack.all_channels() if not c.is_im}

        def mention(match: re.Match[str]) -> str:
            sigil, name = match.group(1), match.group(2)
            found = (users if sigil == "@" else channels).get(name)
            return match.group(0) if found is None else f"<{sigil}{found}|{name}>"

        return _MENTION.sub(mention, text)

    def _response_url(self, user: str, channel: str, note: int | None = None) -> str:
        url = self._new_response_url()
        with self._lock:
            self._sent[url.rsplit("/", 1)[1]] = _Sent(user, channel, note)
        return url

    def _acked(self, user: str, channel: str, answer: Answer, typed: str) -> None:
        if not answer.ok:
            self._say(user, channel, f"{typed} failed: {answer.error}")
        elif answer.body.get("text") or answer.body.get("blocks"):
            self._add(user, channel, answer.body.get("text", ""), answer.body.get("blocks") or [], "ack")

    def _after_submit(self, user: str, modal: Modal, answer: Answer) -> None:
        action = answer.body.get("response_action")
        with self._lock:
            if not answer.ok:
                modal.errors = {"": answer.error}
            elif action == "errors":
                modal.errors = dict(answer.body.get("errors") or {})
            elif action in ("update", "push") and isinstance(answer.body.get("view"), dict):
                modal.view = {**answer.body["view"], "id": modal.view_id, "hash": new_trigger_id()}
                modal.errors = {}
            elif self._modals.get(user) is modal:
                del self._modals[user]

    def _take_response(self, sent: _Sent, payload: dict[str, Any]) -> None:
        notes = self._notes.setdefault(sent.user, [])
        if sent.note is not None and (payload.get("delete_original") or payload.get("replace_original")):
            notes[:] = [n for n in notes if n.id != sent.note]
            if payload.get("delete_original"):
                return
        text, blocks = payload.get("text", ""), payload.get("blocks") or []
        if text or blocks:
            note = self._add(sent.user, sent.channel, text, blocks, "response_url")
            sent.note = note.id if sent.note is not None else None

    def _add(self, user: str, channel: str, text: str, blocks: list[dict[str, Any]], source: str) -> Note:
        with self._lock:
            found = self.slack.channel_by_id(channel)
            after = found.top_level()[-1].ts if found is not None and found.top_level() else ""
            note = Note(next(self._ids), channel, text, blocks, time.time(), source, after)
            self._notes.setdefault(user, []).append(note)
            return note

    def _say(self, user: str, channel: str, text: str) -> None:
        self._add(user, channel, text, [], "emulator")


def _buttons_in(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    found = []
    for block in blocks:
        elements = list(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            elements.append(block["accessory"])
        found += [{**e, "block_id": e.get("block_id") or block.get("block_id", "")}
                  for e in elements if isinstance(e, dict) and e.get("type") == "button"]  # fmt: skip
    return found
