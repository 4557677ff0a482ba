"""Injected failures, consumed in the order they were added. Not locked here: FakeSlack's lock covers it."""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

ANY = "*"
# Posts to response_url are not Web API methods: only faults scoped to exactly this name hit them.
RESPONSE_URL = "response_url"


@dataclass
class Fault:
    kind: str  # "fail" | "rate_limit" | "error" | "delay"
    method: str  # a method name, "*" (every Web API method) or "response_url"
    remaining: int | None  # None: until clear_faults()
    status: int = 503
    retry_after: int = 1
    error: str = ""
    seconds: float = 0.0
    after_store: bool = True

    def matches(self, method: str) -> bool:
        return self.method == method or (self.method == ANY and method != RESPONSE_URL)


class Faults:
    def __init__(self) -> None:
        self._queue: list[Fault] = []
        self._outage_until = 0.0
        self._outage_status = 503

    def add(self, fault: Fault) -> None:
        if fault.remaining is not None and fault.remaining < 1:
            raise ValueError(f"times must be at least 1 (or None for always), got {fault.remaining}")
        self._queue.append(fault)

    def outage(self, seconds: float, status: int) -> None:
        self._outage_until = time.monotonic() + seconds
        self._outage_status = status

    def clear(self) -> None:
        self._queue.clear()
        self._outage_until = 0.0

    def take(self, method: str) -> Fault | None:
        """The fault that hits this call (consuming one use of it), if any."""
        if method != RESPONSE_URL and time.monotonic() < self._outage_until:
            return Fault("fail", ANY, None, status=self._outage_status)
        for fault in self._queue:
            if fault.matches(method):
                if fault.remaining is not None:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self._queue.remove(fault)
                return replace(fault)
        return None

    def pending(self) -> list[Fault]:
        return [replace(f) for f in self._queue]

    def describe(self) -> list[str]:
        """The faults in force, in words, for a person watching (the emulator's page)."""
        out = []
        left = self._outage_until - time.monotonic()
        if left > 0:
            out.append(f"Slack is down: every Web API call answers HTTP {self._outage_status} for {left:.0f} s more")
        for f in self._queue:
            times = "until cleared" if f.remaining is None else f"{f.remaining} more time(s)"
            what = "every method" if f.method == ANY else f.method
            if f.kind == "rate_limit":
                out.append(f"rate limited: {what} answers 429 (Retry-After {f.retry_after} s), {times}")
            else:
                out.append(f"{f.kind} {f.status if f.kind == 'fail' else f.error or f.seconds}: {what}, {times}")
        return out
