"""The fake workspace: users, channels, messages, views and the records tests inspect.

Nothing here locks; :class:`incidentbot.emulator.server.FakeSlack` holds its single lock around every use.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

TEAM_ID = "T_FAKE"
TEAM_NAME = "Fake Workspace"
TEAM_URL = "https://fake-workspace.slack.com/"
APP_ID = "A_FAKE"
BOT_USER_ID = "U0BOT"
BOT_ID = "B_BOT"
BOT_NAME = "incidentbot"
PERMALINK_BASE = "https://fake.slack/archives"
# Message timestamps start here and grow by 100 µs per message: unique, increasing, Slack-shaped.
TS_EPOCH = 1_700_000_000


@dataclass
class User:
    id: str
    name: str
    real_name: str
    display_name: str
    tz: str = "UTC"
    tz_label: str = "Coordinated Universal Time"
    tz_offset: int = 0
    is_bot: bool = False
    bot_id: str | None = None
    deleted: bool = False

    def to_api(self) -> dict[str, Any]:
        profile: dict[str, Any] = {
            "real_name": self.real_name,
            "display_name": self.display_name,
            "real_name_normalized": self.real_name,
            "display_name_normalized": self.display_name,
            "team": TEAM_ID,
        }
        if self.bot_id:
            profile["bot_id"] = self.bot_id
        return {
            "id": self.id,
            "team_id": TEAM_ID,
            "name": self.name,
            "real_name": self.real_name,
            "deleted": self.deleted,
            "tz": self.tz,
            "tz_label": self.tz_label,
            "tz_offset": self.tz_offset,
            "is_bot": self.is_bot,
            "is_app_user": False,
            "profile": profile,
        }


@dataclass
class Message:
    ts: str
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None = None
    attachments: list[Any] | None = None
    thread_ts: str | None = None
    metadata: dict[str, Any] | None = None
    bot_id: str | None = BOT_ID
    edits: int = 0
    # Earlier versions, oldest first: {"text", "blocks", "attachments", "metadata"} before each chat.update.
    history: list[dict[str, Any]] = field(default_factory=list)

    @property
    def is_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    def to_api(self, *, include_metadata: bool = False, replies: list[Message] | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "message", "ts": self.ts, "user": self.user, "text": self.text}
        if self.bot_id:
            out["bot_id"] = self.bot_id
            out["app_id"] = APP_ID
        if self.blocks is not None:
            out["blocks"] = self.blocks
        if self.attachments is not None:
            out["attachments"] = self.attachments
        if self.thread_ts is not None:
            out["thread_ts"] = self.thread_ts
        if replies:
            out["thread_ts"] = self.ts
            out["reply_count"] = len(replies)
            out["reply_users"] = sorted({r.user for r in replies})
            out["reply_users_count"] = len(out["reply_users"])
            out["latest_reply"] = replies[-1].ts
        if self.edits:
            out["edited"] = {"user": self.user, "ts": self.ts}
        if include_metadata and self.metadata is not None:
            out["metadata"] = self.metadata
        return out


@dataclass
class Channel:
    id: str
    name: str
    is_private: bool = False
    is_archived: bool = False
    is_im: bool = False
    im_user: str | None = None
    members: set[str] = field(default_factory=set)
    topic: str = ""
    topic_set_by: str = ""
    topic_last_set: int = 0
    created: int = 0
    creator: str = ""
    # Every message (top level and replies) in posting order, which is also ts order.
    messages: list[Message] = field(default_factory=list)

    @property
    def is_member(self) -> bool:
        """Is the bot in the channel?"""
        return BOT_USER_ID in self.members

    def find(self, ts: str) -> Message | None:
        for m in self.messages:
            if m.ts == ts:
                return m
        return None

    def top_level(self) -> list[Message]:
        return [m for m in self.messages if not m.is_reply]

    def thread_replies(self, root_ts: str) -> list[Message]:
        return [m for m in self.messages if m.is_reply and m.thread_ts == root_ts]

    def to_api(self, *, viewer: str = BOT_USER_ID, num_members: bool = False) -> dict[str, Any]:
        if self.is_im:
            return {
                "id": self.id,
                "created": self.created,
                "is_im": True,
                "is_org_shared": False,
                "user": self.im_user,
                "is_user_deleted": False,
                "priority": 0,
                "is_archived": False,
            }
        topic = {"value": self.topic, "creator": self.topic_set_by, "last_set": self.topic_last_set}
        out: dict[str, Any] = {
            "id": self.id,
            "name": self.name,
            "name_normalized": self.name,
            "is_channel": not self.is_private,
            "is_group": self.is_private,
            "is_im": False,
            "is_mpim": False,
            "is_private": self.is_private,
            "is_archived": self.is_archived,
            "is_general": False,
            "is_shared": False,
            "is_org_shared": False,
            "is_ext_shared": False,
            "is_member": viewer in self.members,
            "created": self.created,
            "creator": self.creator,
            "unlinked": 0,
            "topic": topic,
            "purpose": {"value": "", "creator": "", "last_set": 0},
            "previous_names": [],
        }
        if num_members:
            out["num_members"] = len(self.members)
        return out


@dataclass
class Ephemeral:
    channel: str
    user: str
    text: str
    blocks: list[dict[str, Any]] | None
    thread_ts: str | None
    ts: str


@dataclass
class ViewRecord:
    """A view the bot opened (views.open, kind "modal") or published (views.publish, kind "home")."""

    id: str
    kind: str
    user: str
    trigger_id: str | None
    view: dict[str, Any]
    external_id: str | None
    hash: str
    # Earlier contents, oldest first, replaced by views.update / a re-publish.
    history: list[dict[str, Any]] = field(default_factory=list)

    def to_api(self) -> dict[str, Any]:
        out = dict(self.view)
        out.update(
            {
                "id": self.id,
                "team_id": TEAM_ID,
                "app_id": APP_ID,
                "bot_id": BOT_ID,
                "hash": self.hash,
                "root_view_id": self.id,
                "previous_view_id": None,
                "external_id": self.external_id or "",
                "state": {"values": {}},
            }
        )
        out.setdefault("private_metadata", "")
        out.setdefault("callback_id", "")
        return out


@dataclass
class Trigger:
    user: str
    expires_at: float | None
    used: bool = False


class Call(NamedTuple):
    """One request to /api/: the method, its decoded arguments and the JSON answer (or the bare HTTP
    status when the answer had no JSON body, e.g. an injected 503)."""

    method: str
    args: dict[str, Any]
    response: dict[str, Any] | int


@dataclass(frozen=True)
class Rejection:
    """A request the fake refused because the *caller* got something wrong (unknown method/argument,
    bad blocks, wrong token, ...). Tests assert ``fake.rejected == []`` at teardown."""

    method: str
    error: str
    detail: str
    args: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
