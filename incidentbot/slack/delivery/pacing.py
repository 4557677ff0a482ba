"""How fast the bot may call Slack: one message per second per channel, and no call to a method that Slack
rate-limited before its `Retry-After` has passed."""

from __future__ import annotations

import heapq
import itertools
import threading
import time


class ChannelPacer:
    """A token bucket per channel: `burst` posts at once, then one every `interval` seconds. Posts waiting for
    the same channel go in (priority, arrival) order: an urgent post (priority 0) takes the next token before
    chatter that was waiting already."""

    def __init__(self, *, interval: float = 1.0, burst: int = 4) -> None:
        self._interval = interval
        self._burst = burst
        self._buckets: dict[str, tuple[float, float]] = {}  # channel → (tokens, last refill)
        self._waiting: dict[str, list[tuple[int, int]]] = {}  # channel → heap of (priority, ticket)
        self._tickets = itertools.count()
        self._turn = threading.Condition()

    def wait(self, channel: str, priority: int = 1) -> float:
        """Block until `channel` may receive another post; returns the seconds waited."""
        if self._interval <= 0:
            return 0.0
        started, paused = time.monotonic(), False
        with self._turn:
            queue = self._waiting.setdefault(channel, [])
            mine = (priority, next(self._tickets))
            heapq.heappush(queue, mine)
            try:
                while (delay := self._delay(channel, queue, mine)) != 0.0:
                    self._pause(delay)
                    paused = True
            finally:
                queue.remove(mine)
                heapq.heapify(queue)
                self._turn.notify_all()
        return time.monotonic() - started if paused else 0.0

    def _delay(self, channel: str, queue: list[tuple[int, int]], mine: tuple[int, int]) -> float | None:
        """0 once `mine` took the channel's token; else how long to wait (None: until someone else goes)."""
        now = time.monotonic()
        tokens, last = self._buckets.get(channel, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) / self._interval)
        self._buckets[channel] = (tokens, now)
        if queue[0] != mine:
            return None
        if tokens >= 1 - 1e-9:
            self._buckets[channel] = (tokens - 1, now)
            return 0.0
        return (1 - tokens) * self._interval

    def _pause(self, seconds: float | None) -> None:
        """Let the others go for `seconds` (None: until one of them goes); a new arrival wakes us."""
        self._turn.wait(seconds)


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
