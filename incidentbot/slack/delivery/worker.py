"""The outbox worker: delivers committed Slack calls in order per incident, retried until done, once.

Woken right after each commit and polling as a safety net. Each claimed row is delivered on a small
thread pool (rows of different incidents in parallel, one incident's rows in order). What a delivery
changes is written by the service layer (service/deliveries.py), one transaction each.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from slack_sdk import WebClient

from incidentbot.service import deliveries
from incidentbot.service.deliveries import DeliveryContext
from incidentbot.service.leases import InHand
from incidentbot.slack.delivery.earlier import find_delivered
from incidentbot.slack.delivery.holds import CoolingDown, HeldCalls
from incidentbot.slack.delivery.pacing import ChannelPacer, MethodCooldown
from incidentbot.slack.delivery.policy import BACKOFF_BASE, BACKOFF_CAP, Action, Verdict, classify
from incidentbot.slack.delivery.references import RootNotReady, ThreadMoving, resolve
from incidentbot.slack.delivery.repairs import JoinFailed, repair
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.store.database import Database
from incidentbot.store.outbox import URGENT, OutboxRow
from incidentbot.store.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

# How soon a row waiting for its incident's re-created thread looks again.
THREAD_WAIT = timedelta(seconds=0.2)


# After a claim that found nothing to send, the next one waits at least this long, unless a delivery has
# finished meanwhile (its incident's next post may now go). Every commit wakes the worker, and a claim reads
# every pending row (thousands while Slack is slow, down or pacing a burst), on SQLite inside the one write
# turn that commands wait for: claiming on every wake slowed the commands.
CLAIM_GAP = 0.1  # seconds


class Deliverer:
    def __init__(
        self,
        *,
        db: Database,
        client: WebClient,
        clock: Callable[[], datetime],
        owner: str,
        lease: timedelta = timedelta(seconds=120),
        poll_interval: float = 1.0,
        workers: int = 4,
        pacer: ChannelPacer | None = None,
        backoff_base: float = BACKOFF_BASE,
        backoff_cap: float = BACKOFF_CAP,
        id_prefix: str = "OUT",
    ) -> None:
        self._db = db
        self._lease = lease
        self._poll = poll_interval
        self._workers = workers
        self._pacer = pacer or ChannelPacer()
        self._backoff = {"base": backoff_base, "cap": backoff_cap}
        self.cooldown = MethodCooldown()
        self._call = HeldCalls(client=client, db=db, cooldown=self.cooldown)
        self.directory = ChannelDirectory(client=client, db=db, clock=clock, call=self._call)
        self._dctx = DeliveryContext(
            owner=owner, clock=clock, new_uow=lambda: UnitOfWork(db, id_prefix=id_prefix),
            read_uow=lambda: UnitOfWork(db, id_prefix=id_prefix, readonly=True),
        )  # fmt: skip
        self._renewed = time.monotonic()
        # Renders a queued Home tab (`$home`) at delivery: given once the service context exists (bootstrap).
        self.home_view: Callable[[str], dict[str, Any]] | None = None
        self._in_hand = InHand()  # claimed and not yet done with: the only rows whose leases the heartbeat renews
        self._wake = threading.Event()
        self._freed = threading.Event()  # a delivery has finished since the last claim
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    # ----- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        if self._db.is_sqlite:
            self._recover_abandoned()
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="deliver")
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        self._freed.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _worker_done(self, _: Future[None]) -> None:
        """A delivery has finished and its worker is free: the next row of its incident may now be claimed, at
        once rather than at the next poll (set once the future is done, so the loop counts the worker free)."""
        self._freed.set()
        self._wake.set()

    def _recover_abandoned(self) -> None:
        """SQLite has one process per file, so rows leased at start-up belong to a process that died (perhaps
        mid-post): take them back now instead of after the lease, and check Slack before posting them again."""
        count = deliveries.recover_abandoned(self._dctx)
        if count:
            log.warning("took back %d outbox row(s) left in flight by a process that stopped; each is checked "
                        "against Slack before it is posted again", count)

    def _run(self) -> None:
        in_flight: dict[Future[None], int] = {}  # → the row's priority
        found_nothing_at = -CLAIM_GAP
        while not self._stop.is_set():
            self._heartbeat()
            in_flight = {f: p for f, p in in_flight.items() if not f.done()}
            free = self._workers - len(in_flight)
            # One worker is kept for urgent rows: chatter waiting out a channel's pace never holds up a root.
            chatter = sum(1 for p in in_flight.values() if p != URGENT)
            claimed: list[OutboxRow] = []
            if free > 0:
                # Cut short when a delivery finishes: its incident's next post may go now.
                self._freed.wait(max(0.0, found_nothing_at + CLAIM_GAP - time.monotonic()))
                self._freed.clear()
                try:
                    claimed = self._claim(free, urgent_only=1 < self._workers <= chatter + 1)
                except Exception:
                    log.exception("could not claim outbox rows; retrying shortly")
                found_nothing_at = found_nothing_at if claimed else time.monotonic()
            assert self._pool is not None
            for row in claimed:
                future = self._pool.submit(self._deliver_logged, row)
                future.add_done_callback(self._worker_done)
                in_flight[future] = row.priority
            if claimed:
                continue
            self._wake.wait(min(self._poll, self._beat))
            self._wake.clear()

    @property
    def _beat(self) -> float:
        return self._lease.total_seconds() / 3

    def _heartbeat(self) -> None:
        """Every third of a lease, extend the leases of the rows being delivered here: leases can be short (a
        dead process's rows are taken over soon) without a slow delivery ever being taken from a live one."""
        if time.monotonic() - self._renewed < self._beat:
            return
        try:
            deliveries.renew_leases(self._dctx, lease=self._lease, ids=self._in_hand.ids())
            self._renewed = time.monotonic()
        except Exception:
            log.exception("could not renew the outbox leases; trying again shortly")

    def _claim(self, limit: int, *, urgent_only: bool = False) -> list[OutboxRow]:
        rows = deliveries.claim(self._dctx, lease=self._lease, limit=limit, urgent_only=urgent_only)
        self._in_hand.add(row.id for row in rows)
        return rows

    # ----- one row -------------------------------------------------------------------------------------

    def deliver_pending(self, *, rounds: int = 50) -> int:
        """Deliver what is due now in the calling thread (for `incidentbot` commands and tests)."""
        done = 0
        for _ in range(rounds):
            rows = self._claim(self._workers)
            if not rows:
                break
            for row in rows:
                self._deliver_logged(row)
                done += 1
        return done

    def _deliver_logged(self, row: OutboxRow) -> None:
        try:
            self._deliver(row)
        except Exception:  # a bug must not kill the worker; the lease expiry brings the row back
            log.exception("delivery of outbox row %s (%s) crashed", row.id, row.method)
        finally:
            self._in_hand.drop([row.id])  # done with: a lease it still holds (it crashed) is left to run out

    def _deliver(self, row: OutboxRow) -> None:
        args: dict[str, Any] | None = None
        try:
            args = resolve(row, root_thread=partial(deliveries.root_thread, self._dctx), directory=self.directory,
                           home_view=self.home_view)
            if row.unknown_outcome and row.method == "chat.postMessage":
                found = find_delivered(row, args, call=self._call)
                if found is not None:
                    log.info("outbox row %s was already delivered (ts %s); not posting again", row.id, found)
                    deliveries.delivered(self._dctx, row, channel=args["channel"], ts=found)
                    return
            if row.method == "chat.postMessage":
                self._pacer.wait(args["channel"], row.priority)
            response = self._call(row.method, args)
        except RootNotReady as missing:
            self._settle(row, Verdict(Action.FAIL, str(missing)), notify=False)  # the root's failure told people
            return
        except ThreadMoving:
            self._settle(row, Verdict(Action.WAIT, "waiting for the incident's thread to be re-created", THREAD_WAIT))
            return
        except Exception as error:
            self._handle_error(row, error, args=args)
            return
        channel = response.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else channel
        users = response.get("users") if row.method == "usergroups.users.list" else None
        deliveries.delivered(self._dctx, row, channel=channel_id or args.get("channel"), ts=response.get("ts"),
                             users=users)

    # ----- outcomes ------------------------------------------------------------------------------------

    def _handle_error(self, row: OutboxRow, error: BaseException, *, args: dict[str, Any] | None) -> None:
        """Decide what a failed call means for the row (policy), repairing the channel when that can help."""
        if isinstance(error, CoolingDown):
            self._settle(row, Verdict(Action.WAIT, str(error), timedelta(seconds=error.seconds)))
            return
        verdict = classify(error, attempt=row.attempts, **self._backoff)
        if verdict.action in (Action.JOIN, Action.RECREATE):
            try:
                verdict = repair(row, verdict, args, directory=self.directory, dctx=self._dctx)
            except JoinFailed as failed:
                self._handle_error(row, failed.error, args=None)
                return
        self._settle(row, verdict)

    def _settle(self, row: OutboxRow, verdict: Verdict, *, notify: bool = True) -> None:
        """Record what becomes of a row that was not delivered: tried again later, or given up on."""
        if verdict.action is Action.WAIT:
            deliveries.postpone(self._dctx, row, delay=verdict.delay, reason=verdict.reason)
        elif verdict.action is Action.RETRY:
            log.warning("outbox row %s (%s) attempt %d: %s; retrying in %.1fs", row.id, row.method,
                        row.attempts + 1, verdict.reason, verdict.delay.total_seconds())  # fmt: skip
            deliveries.retry(self._dctx, row, delay=verdict.delay, reason=verdict.reason,
                             unknown_outcome=verdict.unknown_outcome)  # fmt: skip
        else:
            log.error("outbox row %s (%s to %s) failed for good: %s", row.id, row.method, row.args.get("channel"),
                      verdict.reason)  # fmt: skip
            deliveries.give_up(self._dctx, row, verdict.reason, notify=notify)
        if verdict.action is Action.FAIL or verdict.delay <= timedelta(0):
            self._wake.set()
