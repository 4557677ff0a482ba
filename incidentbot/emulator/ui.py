"""The emulator with a face: the Slack Web API of FakeSlack plus a web page where people use the workspace.

``GET /`` is the page (static/index.html, plain JS, nothing loaded from elsewhere). Its JSON calls:
``GET /ui/state?user=U…`` (snapshot.py), ``POST /ui/command|click|submit|close|message|fault``. A command, click
or submit becomes a signed request to the app's request URL (interact.py), as Slack would send it.
"""

from __future__ import annotations

import json
from email.message import Message as Headers
from importlib import resources
from typing import Any
from urllib.parse import parse_qs

from .faults import ANY
from .interact import Answer, AppLink
from .people import People
from .server import FakeSlack
from .snapshot import snapshot
from .transport import Reply, json_reply, text_reply

STATIC = {
    "/": ("index.html", "text/html; charset=utf-8"),
    "/ui/app.js": ("app.js", "text/javascript; charset=utf-8"),
    "/ui/blocks.js": ("blocks.js", "text/javascript; charset=utf-8"),
    "/ui/style.css": ("style.css", "text/css; charset=utf-8"),
}
OUTAGE_SECONDS = 60
RATE_LIMITED_CALLS = 6


class SlackEmulator(FakeSlack):
    """``connect(request_url, signing_secret)`` then people can use the page at :attr:`base_url`."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.people: People | None = None
        self.links: dict[str, str] = {}
        self.banner = ""  # a line the page shows under the channels, e.g. a scenario's progress

    def connect(self, request_url: str, signing_secret: str, **links: str) -> People:
        """Where the app listens; ``links`` are shown on the page (e.g. pages="http://…/incidents")."""
        self.people = People(self, AppLink(request_url, signing_secret), new_response_url=self.new_response_url,
                             new_trigger=self.new_trigger_id)  # fmt: skip
        self.links = dict(links)
        return self.people

    def dm_with(self, user: str) -> str:
        """The id of the person's DM with the app, opening it as Slack's sidebar always offers it."""
        with self._lock:
            return self._ws.open_dm(user).id

    def route(self, path: str, query: str, headers: Headers, body: bytes) -> Reply:
        if path in STATIC:
            name, ctype = STATIC[path]
            return Reply(200, resources.files(__package__).joinpath("static", name).read_bytes(), ctype,
                         {"Cache-Control": "no-store"})  # fmt: skip
        if not path.startswith("/ui/"):
            return super().route(path, query, headers, body)
        if self.people is None:
            return json_reply(503, {"ok": False, "error": "no app is connected to the emulator yet"})
        try:
            return self._ui(path[len("/ui/") :], query, json.loads(body or b"{}"))
        except (KeyError, TypeError, ValueError) as exc:
            return json_reply(400, {"ok": False, "error": f"bad request: {exc!r}"})

    def _ui(self, what: str, query: str, data: dict[str, Any]) -> Reply:
        people = self.people
        assert people is not None
        if what == "state":
            user = parse_qs(query).get("user", ["U0ALICE"])[0]
            return json_reply(200, snapshot(self, people, user, links=self.links, banner=self.banner))
        if what == "command":
            text = str(data["text"]).strip()
            if not text.startswith("/"):
                self.post_as_user(data["channel"], data["user"], text, thread_ts=data.get("thread_ts") or None)
                return json_reply(200, {"ok": True})
            command, _, rest = text.partition(" ")
            return _answered(people.command(data["user"], data["channel"], rest.strip(), command=command))
        if what == "click":
            return _answered(people.click(data["user"], data["channel"], data["action"],
                                          message_ts=data.get("message_ts"), note=data.get("note")))  # fmt: skip
        if what == "submit":
            return _answered(people.submit(data["user"], data["view_id"], data["values"]))
        if what == "close":
            people.close(data["user"])
            return json_reply(200, {"ok": True})
        if what == "fault":
            return self._fault(str(data["kind"]))
        return text_reply(404, "not found")

    def _fault(self, kind: str) -> Reply:
        if kind == "down":
            self.outage(OUTAGE_SECONDS, status=503)
        elif kind == "ratelimit":
            self.rate_limit(ANY, retry_after=2, times=RATE_LIMITED_CALLS)
        elif kind == "clear":
            self.clear_faults()
        else:
            return json_reply(400, {"ok": False, "error": f"no fault named {kind!r}: down, ratelimit or clear"})
        return json_reply(200, {"ok": True, "faults": self.fault_summary()})


def _answered(answer: Answer) -> Reply:
    return json_reply(200, {"ok": answer.ok, "status": answer.status, "error": answer.error, "body": answer.body})
