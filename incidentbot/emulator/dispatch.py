"""Request dispatch: faults, authentication, argument rules, then the method handler; every call recorded."""

from __future__ import annotations

import copy
import json
import sys
import threading
from email.message import Message as Headers
from pathlib import Path
from typing import Any

from . import conversations, surfaces, views  # noqa: F401  (importing registers their handlers)
from .faults import RESPONSE_URL, Fault, Faults
from .handlers import HANDLERS
from .rules import FIXTURE_PATH, Args, SlackError, Spec, check_args, decode_json_args, parse_blocks
from .state import Call, Rejection
from .transport import Reply, decode_args, failure_reply, json_reply, text_reply
from .workspace import Workspace

# Methods that take the app-level token (xapp-…) instead of the bot token.
APP_TOKEN_METHODS = frozenset({"apps.connections.open"})


class Dispatcher:
    """The request-handling half of FakeSlack (which adds the public set-up and inspection API)."""

    def __init__(self, *, token: str, app_token: str, verbose: bool, fixture: Path = FIXTURE_PATH) -> None:
        self.token = token
        self.app_token = app_token
        self.verbose = verbose
        self._spec = Spec.load(fixture)
        self._lock = threading.RLock()
        self._ws = Workspace()
        self._faults = Faults()
        self._all_responses: list[dict[str, Any]] = []
        self._stopping = threading.Event()

    def pause(self, seconds: float) -> None:
        self._stopping.wait(seconds)

    def _log(self, line: str) -> None:
        if self.verbose:
            print(line, file=sys.stderr, flush=True)

    def _record(
        self, method: str, args: dict[str, Any], response: dict[str, Any] | int, rejection: Rejection | None = None
    ) -> None:
        with self._lock:
            self._ws.calls.append(Call(method, args, response))
            if rejection is not None:
                self._ws.rejected.append(rejection)
        outcome = response if isinstance(response, int) else ("ok" if response.get("ok") else response["error"])
        self._log(f"{method} -> {outcome}" + (f"  [rejected: {rejection.detail}]" if rejection else ""))

    def _answer_error(self, method: str, args: dict[str, Any], err: SlackError) -> Reply:
        response = err.to_response()
        rejection = Rejection(method, err.error, err.reject, args) if err.reject is not None else None
        self._record(method, args, response, rejection)
        return json_reply(err.status, response)

    def _apply_fault(self, method: str, args: dict[str, Any], fault: Fault) -> Reply | None:
        """The reply an injected fault forces, or None to go on (after a before-store delay)."""
        if fault.kind == "fail":
            self._record(method, args, fault.status)
            return failure_reply(fault.status)
        if fault.kind == "rate_limit":
            response = {"ok": False, "error": "ratelimited"}
            self._record(method, args, response)
            return json_reply(429, response, **{"Retry-After": str(fault.retry_after)})
        if fault.kind == "error":
            response = {"ok": False, "error": fault.error}
            self._record(method, args, response)
            return json_reply(200, response)
        if not fault.after_store:
            self.pause(fault.seconds)
        return None

    def _authenticate(self, method: str, token: str) -> None:
        """The right token for the method: the app-level token (xapp-) for APP_TOKEN_METHODS, else the bot's."""
        if not token:
            raise SlackError("not_authed", reject="no token (Authorization: Bearer or token argument)")
        wanted = self.app_token if method in APP_TOKEN_METHODS else self.token
        if token == wanted:
            return
        if token.startswith("xapp-") != wanted.startswith("xapp-"):
            kind = "an app-level token (xapp-)" if wanted.startswith("xapp-") else "a bot token, not an app-level one"
            raise SlackError("not_allowed_token_type", reject=f"{method} takes {kind}; got {token[:5]}...")
        raise SlackError("invalid_auth", reject=f"token {token[:10]}... is not the fake's token")

    def _api(self, method: str, query: str, headers: Headers, body: bytes) -> Reply:
        try:
            args = decode_args(query, headers, body)
        except SlackError as err:
            return self._answer_error(method, {}, err)
        auth = headers.get("Authorization", "")
        token = auth[7:].strip() if auth.startswith("Bearer ") else args.get("token")
        args.pop("token", None)
        spec = self._spec.get(method)
        if spec is None:
            return self._answer_error(
                method, args, SlackError("unknown_method", status=404, reject=f"{method} is not in methods.json")
            )
        with self._lock:
            fault = self._faults.take(method)
        if fault is not None and (forced := self._apply_fault(method, args, fault)) is not None:
            return forced
        delay = fault.seconds if fault is not None and fault.after_store else 0.0
        with self._lock:
            decode_json_args(spec, args)
            try:
                if not token:
                    raise SlackError("not_authed", reject="no token (Authorization: Bearer or token argument)")
                self._authenticate(method, token)
                check_args(spec, args)
                handler = HANDLERS.get(method)
                if handler is None:
                    raise NotImplementedError(f"the fake has no handler for {method}")
                payload = handler(self._ws, Args(args))
            except SlackError as answer:
                if not spec.allows(answer.error):
                    bug = f"FAKE BUG: {method} answered {answer.error!r}, which the reference does not list"
                    answer = SlackError("fatal_error", status=500, reject=bug)
                return self._answer_error(method, args, answer)
            except Exception as exc:  # a bug in the fake, or something it does not implement
                bug = f"FAKE ERROR: {type(exc).__name__}: {exc}"
                return self._answer_error(method, args, SlackError("fatal_error", status=500, reject=bug))
            response = {"ok": True, **payload}
            self._record(method, args, copy.deepcopy(response))
        return json_reply(200, response)._replace(delay=delay)

    def _response_url(self, rid: str, body: bytes) -> Reply:
        with self._lock:
            fault = self._faults.take(RESPONSE_URL)
        if fault is not None:
            if fault.kind in ("fail", "rate_limit"):
                return failure_reply(fault.status) if fault.kind == "fail" else text_reply(429, "rate_limited")
            if fault.kind == "error":
                return text_reply(404, fault.error)
            if not fault.after_store:
                self.pause(fault.seconds)
        with self._lock:
            left = self._ws.response_uses_left.get(rid)
            problem = None
            if left is None:
                status, text, problem = 404, "no_service", f"unknown response_url id {rid}"
            elif left <= 0:
                status, text, problem = 404, "used_up", f"response_url {rid} used more times than allowed"
            else:
                try:
                    payload = json.loads(body)
                    if not isinstance(payload, dict):
                        raise ValueError("not an object")
                    if "blocks" in payload:
                        parse_blocks(payload["blocks"])
                except ValueError as exc:
                    status, text, problem = 400, "invalid_payload", f"response_url body is not a JSON object: {exc}"
                except SlackError as err:
                    status, text, problem = 400, err.error, f"response_url payload: {err.reject}"
            if problem is not None or left is None:
                self._ws.rejected.append(Rejection(RESPONSE_URL, text, str(problem), {"id": rid}))
                self._log(f"response_url {rid} -> {status} {text}  [rejected: {problem}]")
                return text_reply(status, text)
            self._ws.response_uses_left[rid] = left - 1
            self._ws.responses[rid].append(payload)
            self._all_responses.append(copy.deepcopy(payload))
            self._log(f"response_url {rid} -> ok")
        delay = fault.seconds if fault is not None and fault.after_store else 0.0
        return text_reply(200, "ok")._replace(delay=delay)

    def route(self, path: str, query: str, headers: Headers, body: bytes) -> Reply:
        if path.startswith("/api/"):
            return self._api(path[len("/api/") :], query, headers, body)
        if path.startswith("/response/"):
            return self._response_url(path[len("/response/") :], body)
        return text_reply(404, "not found")
