"""The Slack calls a command makes, collected while it runs and written to the outbox in its transaction."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from incidentbot.domain.model import Incident
from incidentbot.messages import Message, channel_topic, root_message
from incidentbot.messages.topic import TOPIC_ROOM
from incidentbot.service.context import Context
from incidentbot.store import outbox
from incidentbot.store.outbox import CHATTER, URGENT, OutboxMessage
from incidentbot.store.unit_of_work import UnitOfWork

ROOT = "$root"
# The purpose of a post telling people that another post could not be delivered.
NOTICE = "failure_notice"


def incident_key(incident: Incident) -> str:
    return f"incident:{incident.number}"


@dataclass
class Posts:
    ctx: Context
    now: datetime
    messages: list[OutboxMessage] = field(default_factory=list)

    def root(self, incident: Incident) -> None:
        """The thread's root message in the division channel; its delivery records the incident's thread."""
        msg = root_message(incident, public_url=self.ctx.config.public_url, now=self.now)
        channel = "#" + self.ctx.config.channel_for(incident.division)
        self._add(incident, "chat.postMessage", {"channel": channel, **_content(msg), "unfurl_links": False},
                  purpose="root", priority=URGENT)

    def edit_root(self, incident: Incident) -> None:
        """Re-render the root whole from state, so it can never drift from the truth."""
        msg = root_message(incident, public_url=self.ctx.config.public_url, now=self.now)
        self._add(incident, "chat.update", {"channel": ROOT, "ts": ROOT, **_content(msg)}, purpose="root_edit")

    def thread(self, incident: Incident, msg: Message) -> None:
        self._add(incident, "chat.postMessage", {"channel": ROOT, "thread_ts": ROOT, **_content(msg),
                                                  "unfurl_links": False})

    def company(self, incident: Incident, msg: Message) -> None:
        """Posts about `incident` to the company channel, when the domain says it goes there (never a drill)."""
        if not incident.posts_to_company:
            return
        channel = "#" + self.ctx.config.company_channel
        self._add(incident, "chat.postMessage", {"channel": channel, **_content(msg), "unfurl_links": False},
                  purpose="company", priority=URGENT)

    def dm(self, incident: Incident | None, user: str, msg: Message) -> None:
        key = incident_key(incident) if incident else f"dm:{user}"
        self.messages.append(OutboxMessage(
            method="chat.postMessage", args={"channel": f"@{user}", **_content(msg)}, ordering_key=key,
            incident_number=incident.number if incident else None, purpose="dm", priority=URGENT,
        ))  # fmt: skip

    def company_broadcast(self, msg: Message, *, key: str) -> None:
        """A post to the company channel about no single incident (roll-up, digest)."""
        channel = "#" + self.ctx.config.company_channel
        self.messages.append(OutboxMessage(
            method="chat.postMessage", args={"channel": channel, **_content(msg), "unfurl_links": False},
            ordering_key=key, purpose="company", priority=URGENT,
        ))  # fmt: skip

    def topic(self, uow: UnitOfWork, division: str) -> None:
        """Name the division's open incidents in its channel topic (call after the change is saved)."""
        name = self.ctx.config.channel_for(division)
        shown, total = uow.incidents.first_open(TOPIC_ROOM, division=division, worst_first=True)
        text = channel_topic(shown, public_url=self.ctx.config.public_url, total=total)
        self.messages.append(OutboxMessage(
            method="conversations.setTopic", args={"channel": f"#{name}", "topic": text},
            ordering_key=f"topic:{name}"[:80], purpose="topic",  # the column holds 80; a channel name may too
        ))  # fmt: skip

    def write(self, uow: UnitOfWork) -> None:
        outbox.enqueue(uow.conn, self.messages, now=self.now)
        self.messages = []

    def _add(
        self, incident: Incident, method: str, args: dict[str, Any], *, purpose: str = "post", priority: int = CHATTER
    ) -> None:
        assert incident.number is not None
        self.messages.append(OutboxMessage(
            method=method, args=args, ordering_key=incident_key(incident), incident_number=incident.number,
            purpose=purpose, priority=priority,
        ))  # fmt: skip


def failure_notices(incident: Incident, msg: Message, *, in_thread: bool) -> list[OutboxMessage]:
    """Tell the commander (DM) and, when `in_thread`, the thread that a post could not be delivered. They are
    marked as notices: when one of them fails too, nobody is told again."""
    targets = [{"channel": f"@{incident.commander}"}] + ([{"channel": ROOT, "thread_ts": ROOT}] if in_thread else [])
    return [
        OutboxMessage(method="chat.postMessage", args={**target, **_content(msg)}, ordering_key=incident_key(incident),
                      incident_number=incident.number, purpose=NOTICE, priority=URGENT)
        for target in targets
    ]  # fmt: skip


def _content(msg: Message) -> dict[str, Any]:
    return {"text": msg.text, "blocks": msg.blocks}
