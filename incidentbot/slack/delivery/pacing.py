"""How fast the bot may call Slack: one message per second per channel, and no call to a method that Slack
rate-limited before its `Retry-After` has passed."""

from __future__ import annotations

import threading
import time


class ChannelPacer:
    """A token bucket per channel: `burst` posts at once, then one every `interval` seconds."""

    def __init__(self, *, interval: float = 1.0, burst: int = 4) -> None:
        self._interval = interval
        self._burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # channel → (tokens, last refill)
        self._lock = threading.Lock()

    def wait(self, channel: str) -> float:
        """Block until `channel` may receive another post; returns the seconds waited."""
        if self._interval <= 0:
            return 0.0
        with self._lock:
            now = time.monotonic()
            tokens, last = self._buckets.get(channel, (float(self._burst), now))
            tokens = min(float(self._burst), tokens + (now - last) / self._interval)
            delay = 0.0 if tokens >= 1 else (1 - tokens) * self._interval
            # Take the token now (possibly going negative), so concurrent senders queue behind each other.
            self._buckets[channel] = (tokens - 1, now)
        if delay:
            time.sleep(delay)
        return delay


class MethodCooldown:
    """Per Web API method, the moment before which it must not be called again (Slack's `Retry-After`)."""

    def __init__(self) -> None:
        self._until: dict[str, float] = {}  # method → monotonic time
        self._lock = threading.Lock()

    def hold(self, method: str, seconds: float) -> None:
        with self._lock:
            until = time.monotonic() + max(0.0, seconds)
            self._until[method] = max(self._until.get(method, 0.0), until)

    def remaining(self, method: str) -> float:
        """Seconds left before `method` may be called again (0 when it may be called now)."""
        with self._lock:
            return max(0.0, self._until.get(method, 0.0) - time.monotonic())
