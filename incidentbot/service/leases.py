"""The rows a process has in hand: the only leases its heartbeat renews (due work and outbox rows alike).

Short leases, renewed by a heartbeat while the process lives, let another process take a dead one's work over
within about a lease. Renewing every lease a process holds would also keep alive those it let go of without
giving the row back (a delivery or a batch of due work that broke off, e.g. because the database went away
while the row was being released): such rows would stay with a live process for as long as it runs, never
retried. Renewed only while in hand, their leases run out as a dead process's do, and the row is claimed again.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable


class InHand:
    """Thread-safe set of row ids being worked on right now (added at claim, dropped when done with)."""

    def __init__(self) -> None:
        self._ids: set[int] = set()
        self._lock = threading.Lock()

    def add(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._ids.update(ids)

    def drop(self, ids: Iterable[int]) -> None:
        with self._lock:
            self._ids.difference_update(ids)

    def ids(self) -> list[int]:
        with self._lock:
            return sorted(self._ids)
