"""Keeps sustained posting to one channel within Slack's one message per second (short bursts allowed)."""

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
