"""The scheduler only ticks: every second or two it claims due rows from the database and acts on them.

There is no APScheduler job store: the due-work table is the schedule, shared by every process.
"""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime

from apscheduler.schedulers.background import BackgroundScheduler

from incidentbot.service.context import Context
from incidentbot.service.leases import InHand
from incidentbot.service.reminders import HEARTBEAT, plan_digest, recover_abandoned, renew_leases, run_due

log = logging.getLogger("incidentbot.scheduler")


class Ticker:
    def __init__(self, *, ctx: Context, owner: str, interval: float = 1.0) -> None:
        self._ctx = ctx
        self._owner = owner
        self._interval = interval
        self._scheduler: BackgroundScheduler | None = None
        self._ticking = threading.Lock()
        self._in_hand = InHand()  # what the tick is acting on: the heartbeat renews those leases only

    def start(self) -> None:
        recover_abandoned(self._ctx)
        plan_digest(self._ctx)
        self._scheduler = BackgroundScheduler(timezone="UTC")
        # The first tick runs at once: work that fell due while no process was running is done at start-up.
        self._scheduler.add_job(self.tick, "interval", seconds=self._interval, id="due-work", max_instances=1,
                                coalesce=True, next_run_time=datetime.now(UTC))
        # Beside the tick (a long tick must not stop it): the due work being acted on stays leased to us.
        self._scheduler.add_job(self.heartbeat, "interval", seconds=HEARTBEAT.total_seconds(), id="heartbeat",
                                max_instances=1, coalesce=True)
        self._scheduler.start()

    def stop(self) -> None:
        if self._scheduler is not None and self._scheduler.running:
            self._scheduler.shutdown(wait=True)
        self._scheduler = None

    def heartbeat(self) -> None:
        """Renew the leases of the due work being acted on (also called directly by tests)."""
        try:
            renew_leases(self._ctx, owner=self._owner, in_hand=self._in_hand)
        except Exception:
            log.exception("could not renew the due-work leases; trying again shortly")

    def tick(self) -> int:
        """Act on everything due now (also called directly, e.g. by tests after moving their clock).

        One tick at a time per process: a direct call waits for a scheduled tick in progress, so when it
        returns, everything that was due is done (not merely claimed by the other thread).
        """
        total = 0
        with self._ticking:
            try:
                while (claimed := run_due(self._ctx, owner=self._owner, in_hand=self._in_hand)) > 0:
                    total += claimed
            except Exception:
                log.exception("scheduler tick failed; the next tick will try again")
        return total
