"""The fake workspace: users, channels, messages, views and the records tests inspect.

Nothing here locks; :class:`tests.fakeslack.server.FakeSlack` holds its single lock around every use.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
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


DEFAULT_USERS: tuple[tuple[str, str, str, str], ...] = (
    ("U0ALICE", "alice", "Alice Archer", "Europe/London"),
    ("U0BOB", "bob", "Bob Baker", "America/New_York"),
    ("U0CAROL", "carol", "Carol Chen", "Asia/Tokyo"),
    ("U0DAVE", "dave", "Dave Dunn", "UTC"),
)


class Workspace:
    def __init__(self) -> None:
        self.users: dict[str, User] = {}
        self.channels: dict[str, Channel] = {}  # by id, creation order
        self.dm_by_user: dict[str, str] = {}
        self.ephemerals: list[Ephemeral] = []
        self.views: list[ViewRecord] = []
        self.calls: list[Call] = []
        self.rejected: list[Rejection] = []
        self.triggers: dict[str, Trigger] = {}
        self.responses: dict[str, list[dict[str, Any]]] = {}
        self.response_uses_left: dict[str, int] = {}
        # Set by FakeSlack: hands out a new Socket Mode URL (starting the Socket Mode server on first use).
        self.socket_mode_url: Callable[[], str] | None = None
        self._ts_counter = 0
        self._ids: dict[str, int] = {}
        self._add_user(User(BOT_USER_ID, BOT_NAME, "Incident Bot", BOT_NAME, is_bot=True, bot_id=BOT_ID))
        for uid, name, real, tz in DEFAULT_USERS:
            self._add_user(User(uid, name, real, name, tz=tz))

    def _add_user(self, user: User) -> User:
        self.users[user.id] = user
        return user

    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        real_name: str | None = None,
        tz: str = "UTC",
        display_name: str | None = None,
        is_bot: bool = False,
    ) -> User:
        return self._add_user(
            User(user_id, name, real_name or name.title(), display_name or name, tz=tz, is_bot=is_bot)
        )

    def next_ts(self) -> str:
        self._ts_counter += 1
        micros = self._ts_counter * 100
        return f"{TS_EPOCH + micros // 1_000_000}.{micros % 1_000_000:06d}"

    def new_id(self, prefix: str) -> str:
        n = self._ids.get(prefix, 0) + 1
        self._ids[prefix] = n
        return f"{prefix}{n:08d}"

    def new_token(self) -> str:
        return secrets.token_hex(8)

    def channel_named(self, name: str) -> Channel | None:
        name = name.lstrip("#")
        for ch in self.channels.values():
            if not ch.is_im and ch.name == name:
                return ch
        return None

    def create_channel(self, name: str, *, private: bool, creator: str, members: set[str]) -> Channel:
        ch = Channel(
            id=self.new_id("C"),  # modern Slack uses C… for private channels too
            name=name,
            is_private=private,
            members=set(members),
            created=int(time.time()),
            creator=creator,
        )
        self.channels[ch.id] = ch
        return ch

    def open_dm(self, user_id: str) -> Channel:
        existing = self.dm_by_user.get(user_id)
        if existing is not None:
            return self.channels[existing]
        ch = Channel(
            id=self.new_id("D"),
            name="",
            is_im=True,
            im_user=user_id,
            members={BOT_USER_ID, user_id},
            created=int(time.time()),
            creator=BOT_USER_ID,
        )
        self.channels[ch.id] = ch
        self.dm_by_user[user_id] = ch.id
        return ch

    def summary(self) -> str:
        lines = []
        for ch in self.channels.values():
            label = f"DM with {ch.im_user}" if ch.is_im else f"#{ch.name}"
            flags = [f for f, on in (("private", ch.is_private), ("archived", ch.is_archived)) if on]
            kind = "im" if ch.is_im else ", ".join(flags) or "public"
            bot = "bot in" if BOT_USER_ID in ch.members else "bot NOT in"
            lines.append(f"  {ch.id} {label} [{kind}; {bot}] {len(ch.messages)} msgs")
            for m in ch.messages[-5:]:
                indent = "      ↳ " if m.is_reply else "    "
                lines.append(f"{indent}{m.ts} {m.text[:80]!r}")
        return "\n".join(lines) or "  (no channels)"
