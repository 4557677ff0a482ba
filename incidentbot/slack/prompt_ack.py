"""Answering Slack the moment a listener acknowledges, instead of on Bolt's next 10 ms poll.

Bolt (with `process_before_response` off, which lets a listener go on working after `ack()`) runs the listener
in its executor and waits for the acknowledgement by polling every 10 ms. Every request then took at least one
poll: a `/outage list` answered in 3 ms reached Slack after 10-13 ms. Here the waiting request thread is woken
by `ack()` itself (or by the listener ending, whichever comes first), and Bolt's poll finds the answer at once.
What a listener does after `ack()` still runs in the executor, after the answer has gone.

`PromptAck` (a middleware) gives each request an acknowledgement that signals; `PromptExecutor` (Bolt's
`listener_executor`) waits for that signal when Bolt hands it a listener from the request thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltRequest, BoltResponse
from slack_bolt.middleware import Middleware

# Slack's limit for the acknowledgement; Bolt gives up waiting at the same moment.
ACK_WAIT = 3.0

_request = threading.local()


class SignallingAck(Ack):
    """Bolt's `ack` that also says, to whoever waits for it, that the answer is ready."""

    def __init__(self) -> None:
        super().__init__()
        self.given = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> BoltResponse:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.given.set()


class PromptAck(Middleware):
    """Gives the request a `SignallingAck` and makes it known to the executor, for this thread."""

    def process(
        self, *, req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]
    ) -> BoltResponse | None:
        ack = SignallingAck()
        req.context["ack"] = ack
        # Bolt runs the listener after the middleware chain has returned, in this same thread: the executor
        # finds the acknowledgement here then. The next request in this thread replaces it.
        _request.ack = ack
        return next()


class PromptExecutor(ThreadPoolExecutor):
    """Runs listeners in its threads; a listener handed over by a request thread makes that thread wait until
    it has acknowledged or ended (at most ACK_WAIT), so that Bolt's poll that follows finds the answer."""

    def __init__(self, max_workers: int) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="bolt-listener")

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future = super().submit(fn, *args, **kwargs)
        ack: SignallingAck | None = getattr(_request, "ack", None)
        if ack is not None and not ack.given.is_set():
            future.add_done_callback(lambda _: ack.given.set())
            ack.given.wait(ACK_WAIT)
        return future
