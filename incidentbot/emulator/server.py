"""FakeSlack: an in-process fake of the Slack Web API for tests (and for manual runs, see __main__).

Every request is checked against methods.json (derived from the Slack method reference); the caller's
mistakes are answered like Slack would and also recorded in ``fake.rejected``.

Socket Mode: ``apps.connections.open`` (with the app-level token) starts a WebSocket server alongside
(socket_mode.py) and returns its URL; tests push envelopes to the connected app with :meth:`FakeSlack.socket_send`.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Iterable
from email.message import Message as Headers
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from .faults import ANY, RESPONSE_URL, Fault
from .inspection import Inspection
from .rules import FIXTURE_PATH
from .state import APP_ID, BOT_USER_ID, Channel, Message, Rejection, Trigger, User
from .transport import Reply, Server, json_reply

if TYPE_CHECKING:
    from .socket_mode import SocketModeServer

DEFAULT_TOKEN = "xoxb-test"
DEFAULT_APP_TOKEN = "xapp-test"
SOCKET_MODE = "socket_mode"  # the "method" of rejections about what the app sent over Socket Mode


class FakeSlack(Inspection):
    """A fake Slack workspace served over HTTP on 127.0.0.1. ``WebClient(token="xoxb-test", base_url=fake.url)``."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        app_token: str = DEFAULT_APP_TOKEN,
        host: str = "127.0.0.1",
        port: int = 0,
        fixture: Path = FIXTURE_PATH,
        verbose: bool = False,
    ) -> None:
        super().__init__(token=token, app_token=app_token, verbose=verbose, fixture=fixture)
        self.host = host
        self._port = port
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._socket: SocketModeServer | None = None  # started by the first apps.connections.open
        self._ws.socket_mode_url = lambda: self._socket_mode().new_url()

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self, port: int | None = None) -> Self:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = Server((self.host, self._port if port is None else port), self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fakeslack", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._lock:
            socket, self._socket = self._socket, None
        if socket is not None:
            socket.stop()
        if self._server is None:
            return
        self._stopping.set()  # wakes delayed responses
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not running; call start() first")
        return self._port

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The Web API base URL, ending with /api/ (for WebClient(base_url=...) / SLACK_API_URL)."""
        return f"{self.base_url}/api/"

    # ------------------------------------------------------------------------------------ workspace set-up

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
        with self._lock:
            user = self._ws.add_user(
                user_id, name, real_name=real_name, tz=tz, display_name=display_name, is_bot=is_bot
            )
            return copy.deepcopy(user)

    def create_channel(
        self, name: str, *, private: bool = False, member: bool = False, members: Iterable[str] = ()
    ) -> Channel:
        """A channel that already exists (created by a person). ``member``: the bot is in it."""
        with self._lock:
            if self._ws.channel_named(name) is not None:
                raise ValueError(f"a channel named {name!r} already exists")
            people = set(members) | ({BOT_USER_ID} if member else set())
            return copy.deepcopy(self._ws.create_channel(name, private=private, creator="U0ALICE", members=people))

    def archive(self, channel: str) -> None:
        with self._lock:
            self._find(channel).is_archived = True

    def unarchive(self, channel: str) -> None:
        with self._lock:
            self._find(channel).is_archived = False

    def delete_channel(self, channel: str) -> None:
        with self._lock:
            ch = self._find(channel)
            del self._ws.channels[ch.id]
            if ch.im_user is not None:
                self._ws.dm_by_user.pop(ch.im_user, None)

    def remove_bot(self, channel: str) -> None:
        """The bot gets kicked out of the channel."""
        with self._lock:
            self._find(channel).members.discard(BOT_USER_ID)

    def add_member(self, channel: str, user_id: str) -> None:
        """A person joins the channel (by themselves; no API call)."""
        with self._lock:
            if user_id not in self._ws.users:
                raise KeyError(f"no user {user_id}; add_user() first")
            self._find(channel).members.add(user_id)

    def post_as_user(
        self,
        channel: str,
        user_id: str,
        text: str,
        *,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> str:
        """A person posts a message (the bot cannot edit it). Returns its ts."""
        with self._lock:
            ch = self._find(channel)
            msg = Message(self._ws.next_ts(), ch.id, user_id, text, blocks, thread_ts=thread_ts, bot_id=None)
            ch.messages.append(msg)
            return msg.ts

    def add_usergroup(self, group_id: str, members: list[str]) -> None:
        """A user group (``S…``) whose members usergroups.users.list returns."""
        from .surfaces import usergroups

        with self._lock:
            usergroups(self._ws)[group_id] = list(members)

    def unfurls(self) -> list[dict[str, Any]]:
        """Every chat.unfurl accepted: {"channel", "ts"} or {"unfurl_id", "source"}, and "unfurls"."""
        from .surfaces import unfurls

        with self._lock:
            return [dict(u) for u in unfurls(self._ws)]

    def new_trigger_id(self, user_id: str = "U0ALICE", *, expires_in: float | None = None) -> str:
        """A trigger_id as found in an interaction payload; good for one views.open (Slack: within 3 s)."""
        with self._lock:
            trigger_id = f"{time.time_ns() // 1000}.{self._ws.new_token()}"
            deadline = None if expires_in is None else time.monotonic() + expires_in
            self._ws.triggers[trigger_id] = Trigger(user_id, deadline)
            return trigger_id

    def new_response_url(self, *, max_uses: int = 5) -> str:
        """A response_url as found in an interaction/slash-command payload (Slack allows 5 uses)."""
        with self._lock:
            rid = self._ws.new_token()
            self._ws.responses[rid] = []
            self._ws.response_uses_left[rid] = max_uses
            return f"{self.base_url}/response/{rid}"

    def route(self, path: str, query: str, headers: Headers, body: bytes) -> Reply:
        """Adds, for tools in another process (tests.support.send): `/response-urls` makes a response_url,
        `/response-urls/<id>` lists what was posted to it."""
        if path == "/response-urls":
            return json_reply(200, {"ok": True, "response_url": self.new_response_url()})
        if path.startswith("/response-urls/"):
            posted = self.responses.get(path[len("/response-urls/") :])
            if posted is None:
                return json_reply(404, {"ok": False, "error": "no_such_response_url"})
            return json_reply(200, {"ok": True, "responses": posted})
        return super().route(path, query, headers, body)

    # ------------------------------------------------------------------------------------ Socket Mode

    def _socket_mode(self) -> SocketModeServer:
        try:
            from .socket_mode import SocketModeServer
        except ImportError as exc:  # websockets is in the test extras, not a runtime dependency
            raise RuntimeError(
                "the emulator's Socket Mode needs the websockets package: pip install 'websockets>=12'"
            ) from exc
        with self._lock:
            if self._socket is None:
                self._socket = SocketModeServer(host=self.host, app_id=APP_ID, on_problem=self._socket_problem)
                self._socket.start()
            return self._socket

    def _socket_problem(self, error: str, detail: str) -> None:
        with self._lock:
            self._ws.rejected.append(Rejection(SOCKET_MODE, error, detail))
        self._log(f"socket mode: {error}  [rejected: {detail}]")

    def socket_connected(self, timeout: float = 5.0) -> bool:
        """Wait until the app holds an open Socket Mode connection; False if none opened within ``timeout``."""
        return self._socket_mode().connected(timeout)

    def socket_send(self, envelope_type: str, payload: dict[str, Any], timeout: float = 5.0, *,
                    accepts_response_payload: bool | None = None) -> dict[str, Any]:
        """Send an envelope (``slash_commands``, ``interactive`` or ``events_api``) to the connected app, as Slack
        does in Socket Mode, and wait for the app's acknowledgement; returns the ack's payload (``{}`` for a
        bare ack). ``payload`` is what Slack would have POSTed over HTTP, as a dict. AssertionError (with a
        dump of the fake) when no app is connected or no acknowledgement arrives within ``timeout``."""
        try:
            return self._socket_mode().send(envelope_type, payload, timeout=timeout,
                                            accepts_response_payload=accepts_response_payload)  # fmt: skip
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.dump()}") from None

    @property
    def socket_acks(self) -> list[dict[str, Any]]:
        """Every Socket Mode acknowledgement received ({"envelope_id", "payload"}), in arrival order."""
        with self._lock:
            socket = self._socket
        return socket.acks if socket is not None else []

    # ------------------------------------------------------------------------------------ faults

    def _add_fault(self, fault: Fault) -> None:
        if fault.method not in (ANY, RESPONSE_URL) and self._spec.get(fault.method) is None:
            raise ValueError(f"{fault.method!r} is not a method in methods.json")
        with self._lock:
            self._faults.add(fault)

    def fail(self, method: str = ANY, status: int = 503, times: int | None = 1) -> None:
        """The next ``times`` calls answer HTTP ``status`` with an HTML (5xx) or empty body."""
        if not 400 <= status <= 599:
            raise ValueError(f"status must be an HTTP error status, got {status}")
        self._add_fault(Fault("fail", method, times, status=status))

    def rate_limit(self, method: str = ANY, retry_after: int = 1, times: int | None = 1) -> None:
        """The next ``times`` calls answer 429 with Retry-After and {"ok": false, "error": "ratelimited"}."""
        self._add_fault(Fault("rate_limit", method, times, status=429, retry_after=retry_after))

    def error(self, method: str, error: str, times: int | None = 1) -> None:
        """The next ``times`` calls answer 200 {"ok": false, "error": error} (an error Slack documents)."""
        if method != RESPONSE_URL and not self._spec.allows(method, error):
            raise ValueError(f"Slack does not document error {error!r} for {method}")
        self._add_fault(Fault("error", method, times, error=error))

    def delay(self, method: str, seconds: float, times: int | None = 1, after_store: bool = True) -> None:
        """Slow answers. ``after_store``: the call takes effect first, then the answer waits (a client
        timeout then hides a success); otherwise the wait comes first and the call takes effect after it."""
        self._add_fault(Fault("delay", method, times, seconds=seconds, after_store=after_store))

    def outage(self, seconds: float, status: int = 503) -> None:
        """Every Web API call fails with ``status`` for the next ``seconds``."""
        with self._lock:
            self._faults.outage(seconds, status)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
