"""The outbox worker: delivers committed Slack calls in order per incident, retried until done, once.

Woken right after each commit and polling as a safety net. Each claimed row is delivered on a small
thread pool (rows of different incidents in parallel, one incident's rows in order).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient

from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.slack.failures import Action, Verdict, classify
from incidentbot.slack.pacing import ChannelPacer
from incidentbot.store import outbox
from incidentbot.store.database import Database
from incidentbot.store.incidents import IncidentRepository
from incidentbot.store.outbox import OutboxRow

log = logging.getLogger(__name__)

ROOT = "$root"
METADATA_EVENT = "incidentbot_delivery"
# Methods slack_sdk itself sends as JSON; the others go as form fields.
_JSON_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.update", "views.publish"}


class RootNotReady(Exception):
    """A row refers to the incident's root message, which is not (yet, or ever) delivered."""


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
    ) -> None:
        self._db = db
        self._client = client
        self._clock = clock
        self._owner = owner
        self._lease = lease
        self._poll = poll_interval
        self._workers = workers
        self._pacer = pacer or ChannelPacer()
        self.directory = ChannelDirectory(client=client, db=db, clock=clock)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._cooldown: dict[str, float] = {}  # method → monotonic time before which it must not be called
        self._cooldown_lock = threading.Lock()

    # ----- lifecycle -----------------------------------------------------------------------------------

    def start(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=self._workers, thread_name_prefix="deliver")
        self._thread = threading.Thread(target=self._run, name="outbox", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _run(self) -> None:
        in_flight: set[Future[None]] = set()
        while not self._stop.is_set():
            in_flight = {f for f in in_flight if not f.done()}
            free = self._workers - len(in_flight)
            claimed: list[OutboxRow] = []
            if free > 0:
                try:
                    claimed = self._claim(free)
                except Exception:
                    log.exception("could not claim outbox rows; retrying shortly")
            assert self._pool is not None
            for row in claimed:
                in_flight.add(self._pool.submit(self._deliver_logged, row))
            if claimed:
                continue
            self._wake.wait(0.05 if in_flight else self._poll)
            self._wake.clear()

    def _claim(self, limit: int) -> list[OutboxRow]:
        with self._db.engine.begin() as conn:
            return outbox.claim(conn, owner=self._owner, now=self._clock(), lease=self._lease, limit=limit)

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
            # The next row of this incident may now be claimed: claim it at once, not at the next poll.
            self._wake.set()

    def _deliver(self, row: OutboxRow) -> None:
        wait = self._cooling(row.method)
        if wait > 0:
            self._retry(row, Verdict(Action.RETRY, "waiting out Slack's Retry-After", timedelta(seconds=wait)))
            return
        try:
            args = self._resolve(row)
        except RootNotReady as missing:
            self._fail(row, str(missing))
            return
        except Exception as error:
            self._handle_error(row, error, args=None)
            return
        if row.unknown_outcome and row.method == "chat.postMessage":
            found = self._find_delivered(row, args)
            if found is not None:
                log.info("outbox row %s was already delivered (ts %s); not posting again", row.id, found)
                self._done(row, channel=args["channel"], ts=found)
                return
        try:
            if row.method == "chat.postMessage":
                self._pacer.wait(args["channel"])
            response = self._call(row.method, args)
        except Exception as error:
            self._handle_error(row, error, args=args)
            return
        channel = response.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else channel
        self._done(row, channel=channel_id or args.get("channel"), ts=response.get("ts"))

    def _call(self, method: str, args: dict[str, Any]) -> Any:
        if method in _JSON_METHODS:
            return self._client.api_call(method, json=args)
        return self._client.api_call(method, params=args)

    def _resolve(self, row: OutboxRow) -> dict[str, Any]:
        args = dict(row.args)
        if ROOT in (args.get("channel"), args.get("thread_ts"), args.get("ts")):
            channel, ts = self._root_of(row)
            for name in ("channel", "thread_ts", "ts"):
                if args.get(name) == ROOT:
                    args[name] = channel if name == "channel" else ts
        if isinstance(args.get("channel"), str):
            args["channel"] = self.directory.resolve(args["channel"])
        if row.method == "chat.postMessage":
            args["metadata"] = {"event_type": METADATA_EVENT, "event_payload": {"delivery_id": row.delivery_id}}
        return args

    def _root_of(self, row: OutboxRow) -> tuple[str, str]:
        assert row.incident_number is not None, "a $root reference needs an incident"
        with self._db.read_engine.connect() as conn:
            channel, ts = IncidentRepository(conn).thread_of(row.incident_number)
        if channel is None or ts is None:
            raise RootNotReady(f"the incident's thread could not be created, so this post has nowhere to go "
                               f"({row.method})")
        return channel, ts

    def _find_delivered(self, row: OutboxRow, args: dict[str, Any]) -> str | None:
        """After an unknown outcome, look for our delivery id in the channel (or thread) before posting again."""
        try:
            if args.get("thread_ts"):
                page = self._client.conversations_replies(channel=args["channel"], ts=args["thread_ts"],
                                                          include_all_metadata=True, limit=200)
            else:
                oldest = row.created_at.timestamp() - 60
                page = self._client.conversations_history(channel=args["channel"], oldest=f"{oldest:.6f}",
                                                          include_all_metadata=True, limit=200)
        except Exception:
            log.warning("could not check whether outbox row %s arrived; posting again", row.id, exc_info=True)
            return None
        for message in page.get("messages", []):
            payload = (message.get("metadata") or {}).get("event_payload") or {}
            if payload.get("delivery_id") == row.delivery_id:
                return str(message.get("ts"))
        return None

    # ----- outcomes ------------------------------------------------------------------------------------

    def _handle_error(self, row: OutboxRow, error: BaseException, *, args: dict[str, Any] | None) -> None:
        verdict = classify(error, attempt=row.attempts)
        target = str(row.args.get("channel", ""))
        if verdict.action is Action.JOIN and args is not None and row.attempts < 5:
            try:
                self.directory.join(args["channel"])
                self._retry(row, Verdict(Action.RETRY, "joined the channel", timedelta(0)))
            except Exception as join_error:
                self._handle_error(row, join_error, args=None)
            return
        if verdict.action is Action.RECREATE and target.startswith("#") and row.attempts < 5:
            self.directory.forget(target)
            self._retry(row, Verdict(Action.RETRY, verdict.reason, timedelta(0)))
            return
        if verdict.action in (Action.JOIN, Action.RECREATE):
            verdict = Verdict(Action.FAIL, verdict.reason)
        if verdict.rate_limited:
            self._cool(row.method, verdict.delay)
        if verdict.action is Action.RETRY:
            log.warning("outbox row %s (%s) attempt %d: %s; retrying in %.1fs", row.id, row.method,
                        row.attempts + 1, verdict.reason, verdict.delay.total_seconds())
            self._retry(row, verdict)
        else:
            self._fail(row, verdict.reason)

    def _done(self, row: OutboxRow, *, channel: str | None, ts: str | None) -> None:
        with self._db.engine.begin() as conn:
            if not outbox.mark_delivered(conn, row.id, now=self._clock(), channel=channel, ts=ts, owner=self._owner):
                return
            if row.purpose == "root" and row.incident_number is not None and channel and ts:
                IncidentRepository(conn).set_thread(row.incident_number, channel_id=channel, thread_ts=ts)

    def _retry(self, row: OutboxRow, verdict: Verdict) -> None:
        with self._db.engine.begin() as conn:
            outbox.mark_retry(conn, row.id, retry_at=self._clock() + verdict.delay, error=verdict.reason,
                              unknown_outcome=verdict.unknown_outcome, owner=self._owner)
        if verdict.delay <= timedelta(0):
            self._wake.set()

    def _fail(self, row: OutboxRow, reason: str) -> None:
        log.error("outbox row %s (%s to %s) failed for good: %s", row.id, row.method, row.args.get("channel"), reason)
        with self._db.engine.begin() as conn:
            outbox.mark_failed(conn, row.id, error=reason, owner=self._owner)
            if row.incident_number is not None:
                text = f"A Slack post could not be delivered ({row.method} to {row.args.get('channel')}): {reason}"
                event = TimelineEvent(at=self._clock(), kind=Kind.DELIVERY_FAILED, actor=BOT, text=text)
                IncidentRepository(conn).record(row.incident_number, event)

    # ----- rate limits ---------------------------------------------------------------------------------

    def _cool(self, method: str, delay: timedelta) -> None:
        with self._cooldown_lock:
            until = time.monotonic() + delay.total_seconds()
            self._cooldown[method] = max(self._cooldown.get(method, 0.0), until)

    def _cooling(self, method: str) -> float:
        with self._cooldown_lock:
            return max(0.0, self._cooldown.get(method, 0.0) - time.monotonic())

