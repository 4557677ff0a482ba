"""The fake workspace's registry: who and what exists, and the ids and timestamps it hands out.

Nothing here locks; :class:`incidentbot.emulator.server.FakeSlack` holds its single lock around every use.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from typing import Any

from .state import (
    BOT_ID,
    BOT_NAME,
    BOT_USER_ID,
    TS_EPOCH,
    Call,
    Channel,
    Ephemeral,
    Rejection,
    Trigger,
    User,
    ViewRecord,
)

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
