"""Finding the Slack channel behind a name: created when missing, found when taken, joined when public.

What was learnt is kept in the channel directory table, so names are not looked up on every post.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.store import channels
from incidentbot.store.database import Database

log = logging.getLogger(__name__)

Call = Callable[[str, dict[str, Any]], Any]

MAX_SUFFIX = 20
MAX_NAME = 80  # Slack's limit for channel names


class ChannelDirectory:
    def __init__(
        self, *, client: WebClient, db: Database, clock: Callable[[], datetime], call: Call | None = None
    ) -> None:
        """`call(method, args)` makes every Web API call (the deliverer passes one that honours Retry-After)."""
        self._call: Call = call or (lambda method, args: client.api_call(method, params=args))
        self._db = db
        self._clock = clock
        self._dms: dict[str, str] = {}
        self._lock = threading.Lock()

    def resolve(self, target: str) -> str:
        """`#name` → channel id (created or joined as needed); `@U123` → the bot's DM channel with U123."""
        if target.startswith("@"):
            return self._dm(target[1:])
        if target.startswith("#"):
            return self.named(target[1:])
        return target

    def named(self, name: str) -> str:
        name = name[:MAX_NAME]  # what Slack would make of a longer name (and what the directory table holds)
        with self._db.read_engine.connect() as conn:
            known = channels.lookup(conn, name)
        if known:
            return known
        with self._lock:  # one creator per process; other processes meet name_taken and find it
            channel_id = self._find_or_create(name)
            with self._db.engine.begin() as conn:
                channels.remember(conn, name, channel_id, now=self._clock())
            return channel_id

    def join(self, channel_id: str) -> None:
        self._call("conversations.join", {"channel": channel_id})

    def forget(self, target: str) -> None:
        if target.startswith("#"):
            with self._db.engine.begin() as conn:
                channels.forget(conn, target[1:])
        elif target.startswith("@"):
            self._dms.pop(target[1:], None)

    def _dm(self, user: str) -> str:
        if user not in self._dms:
            self._dms[user] = self._call("conversations.open", {"users": user})["channel"]["id"]
        return self._dms[user]

    def _find_or_create(self, name: str) -> str:
        """The live channel called `name`; if that name is held by an archived channel, the next free
        `name-2`, `name-3`… (the bot cannot unarchive a channel on its own)."""
        for candidate in [name[:MAX_NAME], *(_numbered(name, n) for n in range(2, MAX_SUFFIX))]:
            try:
                created = self._call("conversations.create", {"name": candidate, "is_private": False})
                log.info("created channel #%s", candidate)
                return str(created["channel"]["id"])
            except SlackApiError as error:
                if error.response.get("error") != "name_taken":
                    raise
            existing = self._find(candidate)
            if existing is None or existing.get("is_archived"):
                continue  # private, or archived: try the next name
            if not existing.get("is_member"):
                self.join(existing["id"])
                log.info("joined existing channel #%s", candidate)
            return str(existing["id"])
        raise RuntimeError(f"no usable channel name for #{name}: {name}-2 … {name}-{MAX_SUFFIX - 1} are all taken")

    def _find(self, name: str) -> dict[str, Any] | None:
        cursor: str | None = None
        while True:
            args: dict[str, Any] = {"types": "public_channel", "exclude_archived": False, "limit": 200}
            page = self._call("conversations.list", {**args, **({"cursor": cursor} if cursor else {})})
            for channel in page.get("channels", []):
                if channel.get("name") == name:
                    return dict(channel)
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None


def _numbered(name: str, n: int) -> str:
    """`name-n`, shortening `name` rather than the number when it would pass Slack's length limit."""
    suffix = f"-{n}"
    return name[: MAX_NAME - len(suffix)] + suffix
