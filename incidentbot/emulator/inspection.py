"""What a test (or the playground's page) reads back from the fake workspace: calls, channels, messages, views,
rejections and response_url posts. Every read takes the lock and returns a copy."""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable
from typing import Any, TypeVar

from .dispatch import Dispatcher
from .state import Call, Channel, Ephemeral, Message, Rejection, User, ViewRecord

T = TypeVar("T")


class Inspection(Dispatcher):
    """The read side of :class:`incidentbot.emulator.server.FakeSlack`."""

    _socket: Any  # SocketModeServer | None, set by FakeSlack

    # ------------------------------------------------------------------------------------ inspection

    def _find(self, ref: str) -> Channel:
        ch = self._ws.channel_named(ref) or self._ws.channels.get(ref)
        if ch is None:
            names = sorted(f"#{c.name}" if not c.is_im else c.id for c in self._ws.channels.values())
            raise KeyError(f"no channel {ref!r}; there are: {', '.join(names) or 'none'}")
        return ch

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            return copy.deepcopy(self._ws.calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return copy.deepcopy([c for c in self._ws.calls if c.method == method])

    def channel(self, name: str) -> Channel | None:
        with self._lock:
            ch = self._ws.channel_named(name)
            return copy.deepcopy(ch)

    def channel_by_id(self, channel_id: str) -> Channel | None:
        with self._lock:
            return copy.deepcopy(self._ws.channels.get(channel_id))

    def messages(self, channel: str) -> list[Message]:
        """Top-level messages of a channel (name or id), oldest first."""
        with self._lock:
            return copy.deepcopy(self._find(channel).top_level())

    def replies(self, channel: str, thread_ts: str) -> list[Message]:
        """Replies in a thread, oldest first, without the root."""
        with self._lock:
            return copy.deepcopy(self._find(channel).thread_replies(thread_ts))

    def topic(self, channel: str) -> str:
        with self._lock:
            return self._find(channel).topic

    def dms(self, user_id: str) -> list[Message]:
        """Every message in the bot's DM with the user, oldest first (empty if never opened)."""
        with self._lock:
            dm = self._ws.dm_by_user.get(user_id)
            return copy.deepcopy(self._ws.channels[dm].messages) if dm else []

    @property
    def ephemerals(self) -> list[Ephemeral]:
        with self._lock:
            return copy.deepcopy(self._ws.ephemerals)

    @property
    def views(self) -> list[ViewRecord]:
        with self._lock:
            return copy.deepcopy(self._ws.views)

    @property
    def rejected(self) -> list[Rejection]:
        with self._lock:
            return copy.deepcopy(self._ws.rejected)

    def clear_rejected(self) -> list[Rejection]:
        """Forget (and return) the rejections so far, for tests that provoke them on purpose."""
        with self._lock:
            out, self._ws.rejected = self._ws.rejected, []
            return out

    @property
    def responses(self) -> dict[str, list[dict[str, Any]]]:
        with self._lock:
            return copy.deepcopy(self._ws.responses)

    def all_responses(self) -> list[dict[str, Any]]:
        """Every payload posted to any response_url, in arrival order."""
        with self._lock:
            return copy.deepcopy(self._all_responses)

    def dump(self) -> str:
        with self._lock:
            lines = ["calls (last 20):"]
            for c in self._ws.calls[-20:]:
                res = c.response
                outcome = res if isinstance(res, int) else ("ok" if res.get("ok") else res.get("error"))
                lines.append(f"  {c.method} {json.dumps(c.args, default=str)[:160]} -> {outcome}")
            lines.append("rejected:")
            lines += [f"  {r.method}: {r.error} ({r.detail})" for r in self._ws.rejected] or ["  none"]
            lines.append("pending faults:")
            lines += [f"  {f}" for f in self._faults.pending()] or ["  none"]
            if self._socket is not None:
                lines.append(f"socket mode: {self._socket.summary()}")
            lines.append("channels:")
            lines.append(self._ws.summary())
            return "\n".join(lines)

    def wait_for(self, predicate: Callable[[], T], timeout: float = 5.0, message: str = "") -> T:
        """Poll ``predicate`` every 20 ms until it returns something truthy (returned). AssertionError and
        LookupError raised by it count as "not yet". On timeout: AssertionError with a dump of the fake."""
        deadline = time.monotonic() + timeout
        last: BaseException | None = None
        while True:
            try:
                value = predicate()
                if value:
                    return value
                last = None
            except (AssertionError, LookupError) as exc:
                last = exc
            if time.monotonic() >= deadline:
                break
            time.sleep(0.02)
        what = message or getattr(predicate, "__name__", repr(predicate))
        extra = f"\nlast error: {last!r}" if last is not None else ""
        raise AssertionError(f"timed out after {timeout}s waiting for {what}{extra}\n{self.dump()}")

    def everyone(self) -> list[User]:
        """Every user of the workspace (the bot first), in the order they were added."""
        with self._lock:
            return copy.deepcopy(list(self._ws.users.values()))

    def all_channels(self) -> list[Channel]:
        """Every channel and DM with its messages, in creation order."""
        with self._lock:
            return copy.deepcopy(list(self._ws.channels.values()))

    def view(self, view_id: str) -> ViewRecord | None:
        with self._lock:
            found = next((v for v in self._ws.views if v.id == view_id), None)
            return copy.deepcopy(found)

    def fault_summary(self) -> list[str]:
        with self._lock:
            return self._faults.describe()
