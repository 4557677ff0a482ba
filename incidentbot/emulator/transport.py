"""HTTP plumbing: the threaded server, its request handler and reply helpers."""

from __future__ import annotations

import json
from collections.abc import Mapping
from email.message import Message as Headers
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple, Protocol
from urllib.parse import parse_qsl, urlsplit

from .rules import SlackError


class App(Protocol):
    verbose: bool

    def route(self, path: str, query: str, headers: Headers, body: bytes) -> Reply: ...

    def pause(self, seconds: float) -> None: ...


class Reply(NamedTuple):
    status: int
    body: bytes
    content_type: str
    headers: Mapping[str, str] = {}
    delay: float = 0.0


def json_reply(status: int, data: Mapping[str, Any], **headers: str) -> Reply:
    return Reply(status, json.dumps(data).encode(), "application/json; charset=utf-8", headers)


def text_reply(status: int, text: str) -> Reply:
    return Reply(status, text.encode(), "text/plain; charset=utf-8")


def failure_reply(status: int) -> Reply:
    if status >= 500:
        html = f"<html><head><title>{status}</title></head><body><h1>{status} Server Error</h1></body></html>"
        return Reply(status, html.encode(), "text/html; charset=utf-8")
    return Reply(status, b"", "text/plain")


def decode_args(query: str, headers: Headers, body: bytes) -> dict[str, Any]:
    args: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if not body:
        return args
    ctype = headers.get("Content-Type", "").split(";")[0].strip().lower()
    if ctype == "application/json":
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise SlackError("invalid_json", reject=f"JSON body does not parse: {exc}") from None
        if not isinstance(data, dict):
            raise SlackError("invalid_json", reject="JSON body is not an object")
        args.update(data)
    elif ctype in ("application/x-www-form-urlencoded", ""):
        args.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
    else:
        raise SlackError("invalid_post_type", reject=f"the fake takes JSON or form bodies, not {ctype}")
    return args


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 drops concurrent connects (1 s SYN retry)

    def __init__(self, address: tuple[str, int], app: App) -> None:
        self.app = app
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    server: Server

    def do_POST(self) -> None:
        self._handle()

    def do_GET(self) -> None:
        self._handle()

    def _handle(self) -> None:
        app = self.server.app
        try:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            reply = app.route(parts.path, parts.query, self.headers, body)
            if reply.delay:
                app.pause(reply.delay)
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(reply.body)
        except (BrokenPipeError, ConnectionResetError, TimeoutError):
            pass  # the client gave up (e.g. its timeout was shorter than an injected delay)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the app logs each call itself when verbose
