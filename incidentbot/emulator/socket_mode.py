"""The Socket Mode side of the fake: the WebSocket server an app reaches through the URL that
``apps.connections.open`` hands out.

Slack's side of the protocol, as far as an app can see it:

* the app connects to the URL (``ws://127.0.0.1:PORT/link/?ticket=…&app_id=…``; an unknown ticket gets HTTP 401);
* Slack sends ``{"type": "hello", ...}``;
* Slack sends envelopes ``{"envelope_id", "type", "payload", "accepts_response_payload"}`` with
  ``type`` one of ``slash_commands``, ``interactive``, ``events_api``;
* the app acknowledges each one with ``{"envelope_id": …, "payload": {...}}`` (the payload is optional; for a
  slash command it is what the HTTP response body would have been).

Tests push envelopes with :meth:`SocketModeServer.send`, which waits for the matching acknowledgement. Anything
the app sends that Slack would not understand is reported through ``on_problem`` (FakeSlack turns it into a
rejection).
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs, urlsplit

from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response
from websockets.sync.server import Server, ServerConnection, serve

ENVELOPE_TYPES = frozenset({"slash_commands", "interactive", "events_api"})

log = logging.getLogger("incidentbot.emulator.socket_mode")


class SocketModeServer:
    """A WebSocket server on ``host`` (a free port), run on a background thread between start() and stop()."""

    def __init__(self, *, host: str, app_id: str, on_problem: Callable[[str, str], None]) -> None:
        self.host = host
        self.app_id = app_id
        self._on_problem = on_problem
        self._cond = threading.Condition()
        self._tickets: set[str] = set()
        self._connections: list[ServerConnection] = []
        self._sent: dict[str, dict[str, Any]] = {}  # envelope_id -> envelope, in sending order
        self._acks: dict[str, dict[str, Any]] = {}  # envelope_id -> the app's acknowledgement
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    # ------------------------------------------------------------------------------------ lifecycle

    def start(self) -> SocketModeServer:
        if self._server is not None:
            return self
        # compression off: Slack's clients do not ask for it. A short close timeout keeps stop() quick when the
        # app is gone without a closing handshake.
        self._server = serve(self._serve, self.host, 0, process_request=self._check_ticket, compression=None,
                             close_timeout=1, logger=log)  # fmt: skip
        self.port = int(self._server.socket.getsockname()[1])
        self._thread = threading.Thread(target=self._server.serve_forever, name="fakeslack-socket", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()  # closes open connections (1001 going away) and waits for their handlers
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None
        with self._cond:
            self._connections.clear()
            self._cond.notify_all()

    # ------------------------------------------------------------------------ for apps.connections.open

    def new_url(self) -> str:
        """A fresh connection URL, as apps.connections.open returns it."""
        ticket = secrets.token_hex(8)
        with self._cond:
            self._tickets.add(ticket)
        return f"ws://{self.host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    # ------------------------------------------------------------------------------------ what tests use

    def connected(self, timeout: float = 5.0) -> bool:
        """Wait until at least one app connection is open; False if none opened within ``timeout``."""
        with self._cond:
            return self._cond.wait_for(lambda: bool(self._connections), timeout=timeout)

    @property
    def connection_count(self) -> int:
        with self._cond:
            return len(self._connections)

    def send(self, envelope_type: str, payload: dict[str, Any], *, timeout: float = 5.0,
             accepts_response_payload: bool | None = None) -> dict[str, Any]:
        """Send one envelope to the newest connection and wait for its acknowledgement; returns the ack's
        payload (``{}`` for a bare ack). AssertionError when no app is connected or no ack comes in time."""
        if envelope_type not in ENVELOPE_TYPES:
            raise ValueError(f"envelope type must be one of {sorted(ENVELOPE_TYPES)}, got {envelope_type!r}")
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "payload": payload,
            "accepts_response_payload": (envelope_type != "events_api" if accepts_response_payload is None
                                         else accepts_response_payload),
        }  # fmt: skip
        with self._cond:
            if not self._connections:
                raise AssertionError(f"no app is connected over Socket Mode to send a {envelope_type} envelope to")
            connection = self._connections[-1]
            self._sent[envelope_id] = envelope
        try:
            connection.send(json.dumps(envelope))
        except ConnectionClosed as exc:
            raise AssertionError(f"the Socket Mode connection closed while sending {envelope_type}: {exc}") from None
        deadline = time.monotonic() + timeout
        with self._cond:
            if not self._cond.wait_for(lambda: envelope_id in self._acks, timeout=deadline - time.monotonic()):
                raise AssertionError(f"the app did not acknowledge the {envelope_type} envelope {envelope_id} "
                                     f"within {timeout}s")  # fmt: skip
            payload_back = self._acks[envelope_id].get("payload")
        return dict(payload_back) if isinstance(payload_back, dict) else {}

    @property
    def acks(self) -> list[dict[str, Any]]:
        """Every acknowledgement received, in arrival order (whole messages: envelope_id and payload)."""
        with self._cond:
            return [json.loads(json.dumps(a)) for a in self._acks.values()]

    def summary(self) -> str:
        with self._cond:
            unacked = [e["type"] for i, e in self._sent.items() if i not in self._acks]
            return (f"{len(self._connections)} connection(s), {len(self._sent)} envelope(s) sent, "
                    f"{len(self._acks)} acknowledged, not acknowledged: {unacked or 'none'}")  # fmt: skip

    # ------------------------------------------------------------------------------------ the server side

    def _check_ticket(self, connection: ServerConnection, request: Request) -> Response | None:
        ticket = parse_qs(urlsplit(request.path).query).get("ticket", [""])[0]
        with self._cond:
            known = ticket in self._tickets
        if not known:
            self._on_problem("invalid_ticket", f"connection to {request.path} with a ticket apps.connections.open "
                                               "never issued")  # fmt: skip
            return connection.respond(HTTPStatus.UNAUTHORIZED, "invalid ticket\n")
        return None

    def _serve(self, connection: ServerConnection) -> None:
        with self._cond:
            self._connections.append(connection)
            count = len(self._connections)
            self._cond.notify_all()
        try:
            connection.send(json.dumps({
                "type": "hello", "num_connections": count, "debug_info": {"host": "fakeslack"},
                "connection_info": {"app_id": self.app_id},
            }))  # fmt: skip
            for message in connection:
                self._receive(message)
        except ConnectionClosed:
            pass  # the app went away without a closing handshake (killed, or its process ended)
        finally:
            with self._cond:
                if connection in self._connections:
                    self._connections.remove(connection)
                self._cond.notify_all()

    def _receive(self, message: str | bytes) -> None:
        try:
            data = json.loads(message)
        except ValueError:
            self._on_problem("invalid_message", f"not JSON: {message!r:.120}")
            return
        envelope_id = data.get("envelope_id") if isinstance(data, dict) else None
        if not isinstance(envelope_id, str):
            self._on_problem("invalid_message", f"a message without an envelope_id: {message!r:.120}")
            return
        with self._cond:
            envelope = self._sent.get(envelope_id)
            twice = envelope_id in self._acks
            if envelope is not None and not twice:
                self._acks[envelope_id] = data
                self._cond.notify_all()
        if envelope is None:
            self._on_problem("unknown_envelope", f"an ack for envelope {envelope_id}, which was never sent")
        elif twice:
            self._on_problem("duplicate_ack", f"a second ack for {envelope['type']} envelope {envelope_id}")
        elif "payload" in data and not isinstance(data["payload"], dict):
            self._on_problem("invalid_message", f"ack payload is not an object: {message!r:.120}")
