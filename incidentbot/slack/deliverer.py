"""The outbox worker: delivers committed Slack calls in order per incident, retried until done, once.

Woken right after each commit and polling as a safety net. Each claimed row is delivered on a small
thread pool (rows of different incidents in parallel, one incident's rows in order).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.messages import delivery_failed_post
from incidentbot.slack.directory import ChannelDirectory
from incidentbot.slack.failures import BACKOFF_BASE, BACKOFF_CAP, Action, Verdict, classify, passing, retry_after
from incidentbot.slack.pacing import ChannelPacer, MethodCooldown
from incidentbot.store import holds, outbox
from incidentbot.store.database import Database
from incidentbot.store.incidents import IncidentRepository
from incidentbot.store.outbox import OutboxMessage, OutboxRow

log = logging.getLogger(__name__)

ROOT = "$root"
METADATA_EVENT = "incidentbot_delivery"
# Methods slack_sdk itself sends as JSON; the others go as form fields.
_JSON_METHODS = {"chat.postMessage", "chat.update", "chat.postEphemeral", "views.open", "views.update", "views.publish"}
# A post telling people that another post could not be delivered: if it fails too, nobody is told again.
NOTICE = "failure_notice"
# Joining a channel or finding it again is tried this many times per row before the row is given up.
MAX_REPAIRS = 5
# How many root messages an incident may get when its channel disappears under it (the first included).
MAX_THREADS = 3
# After an unknown outcome, how many pages of the channel or thread are searched for the delivery id.
SEARCH_PAGES = 10


class RootNotReady(Exception):
    """A row refers to the incident's root message, which is not (yet, or ever) delivered."""


class ThreadMoving(Exception):
    """The incident's thread is being re-created in a new channel; rows for it wait until it exists."""


class CoolingDown(Exception):
    """Slack asked (HTTP 429, Retry-After) not to call this method again yet; nothing was sent."""

    def __init__(self, method: str, seconds: float) -> None:
        super().__init__(f"waiting out Slack's Retry-After for {method} ({seconds:.1f}s left)")
        self.method = method
        self.seconds = seconds


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
        self._client = client
        self._clock = clock
        self._owner = owner
        self._lease = lease
        self._poll = poll_interval
        self._workers = workers
        self._pacer = pacer or ChannelPacer()
        self._backoff = {"base": backoff_base, "cap": backoff_cap}
        self._prefix = id_prefix
        self.cooldown = MethodCooldown()
        self.directory = ChannelDirectory(client=client, db=db, clock=clock, call=self._api)
        self._wake = threading.Event()
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
        if self._thread is not None:
            self._thread.join(timeout)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def wake(self) -> None:
        self._wake.set()

    def _recover_abandoned(self) -> None:
        """SQLite has one process per file, so rows leased at start-up belong to a process that died (perhaps
        mid-post): take them back now instead of after the lease, and check Slack before posting them again."""
        with self._db.engine.begin() as conn:
            count = outbox.recover_abandoned(conn)
        if count:
            log.warning("took back %d outbox row(s) left in flight by a process that stopped; each is checked "
                        "against Slack before it is posted again", count)

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
        args: dict[str, Any] | None = None
        try:
            args = self._resolve(row)
            if row.unknown_outcome and row.method == "chat.postMessage":
                found = self._find_delivered(row, args)
                if found is not None:
                    log.info("outbox row %s was already delivered (ts %s); not posting again", row.id, found)
                    self._done(row, channel=args["channel"], ts=found)
                    return
            if row.method == "chat.postMessage":
                self._pacer.wait(args["channel"])
            response = self._api(row.method, args)
        except RootNotReady as missing:
            self._fail(row, str(missing), notify=False)  # the root's own failure already told people
            return
        except ThreadMoving:
            self._postpone(row, 0.2, "waiting for the incident's thread to be re-created")
            return
        except Exception as error:
            self._handle_error(row, error, args=args)
            return
        channel = response.get("channel")
        channel_id = channel.get("id") if isinstance(channel, dict) else channel
        self._done(row, channel=channel_id or args.get("channel"), ts=response.get("ts"))

    def _api(self, method: str, args: dict[str, Any]) -> Any:
        """Every Web API call goes through here: none is made while Slack's Retry-After for it runs, whichever
        process on this database was told it."""
        self._learn_shared_holds()
        wait = self.cooldown.remaining(method)
        if wait > 0:
            raise CoolingDown(method, wait)
        try:
            if method in _JSON_METHODS:
                return self._client.api_call(method, json=args)
            return self._client.api_call(method, params=args)
        except SlackApiError as error:
            if getattr(error.response, "status_code", 200) == 429:
                pause = retry_after(error) or timedelta(seconds=1)
                self.cooldown.hold(method, pause.total_seconds())
                self._share_hold(method, pause)
            raise

    # Holds are in wall-clock time, not the bot's clock: Retry-After is Slack's real seconds.

    def _learn_shared_holds(self) -> None:
        now = datetime.now(UTC)
        try:
            with self._db.read_engine.connect() as conn:
                found = holds.active(conn, now)
        except Exception:
            log.warning("could not read Slack's rate-limit holds from the database", exc_info=True)
            return
        for method, until in found.items():
            self.cooldown.hold(method, (until - now).total_seconds())

    def _share_hold(self, method: str, pause: timedelta) -> None:
        try:
            with self._db.engine.begin() as conn:
                holds.hold(conn, method, datetime.now(UTC) + pause)
        except Exception:
            log.warning("could not share Slack's Retry-After for %s with other processes", method, exc_info=True)

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
            if outbox.has_pending(conn, ordering_key=_thread_key(row.incident_number)):
                raise ThreadMoving()
            channel, ts = IncidentRepository(conn).thread_of(row.incident_number)
        if channel is None or ts is None:
            raise RootNotReady(f"the incident's thread could not be created, so this post has nowhere to go "
                               f"({row.method})")
        return channel, ts

    def _find_delivered(self, row: OutboxRow, args: dict[str, Any]) -> str | None:
        """After an unknown outcome, look for our delivery id in the channel (or thread) before posting again.

        When the look-up itself fails for a passing reason (Slack still down, rate limited), the error is
        raised: the row is retried later, still unknown, rather than risk a double post. When it cannot work
        at all (e.g. no `im:history` scope to read a DM), the post is made again: a rare double beats a post
        that waits forever.
        """
        try:
            return self._search(row, args)
        except Exception as error:
            if isinstance(error, CoolingDown) or passing(error):
                raise
            log.warning("could not check whether outbox row %s arrived (%s); posting again", row.id, error)
            return None

    def _search(self, row: OutboxRow, args: dict[str, Any]) -> str | None:
        query: dict[str, Any] = {"channel": args["channel"], "include_all_metadata": True, "limit": 200}
        method = "conversations.history"
        if args.get("thread_ts"):
            method, query["ts"] = "conversations.replies", args["thread_ts"]
        cursor = ""
        for _ in range(SEARCH_PAGES):
            page = self._api(method, {**query, "cursor": cursor} if cursor else query)
            for message in page.get("messages") or []:
                payload = (message.get("metadata") or {}).get("event_payload") or {}
                if payload.get("delivery_id") == row.delivery_id:
                    return str(message.get("ts"))
            cursor = (page.get("response_metadata") or {}).get("next_cursor") or ""
            if not cursor:
                break
        return None

    # ----- outcomes ------------------------------------------------------------------------------------

    def _handle_error(self, row: OutboxRow, error: BaseException, *, args: dict[str, Any] | None) -> None:
        if isinstance(error, CoolingDown):
            self._postpone(row, error.seconds, str(error))
            return
        verdict = classify(error, attempt=row.attempts, **self._backoff)
        target = str(row.args.get("channel", ""))
        repairable = row.attempts < MAX_REPAIRS
        if verdict.action is Action.JOIN and args is not None and repairable:
            try:
                self.directory.join(args["channel"])
            except Exception as join_error:
                self._handle_error(row, join_error, args=None)
                return
            self._retry(row, Verdict(Action.RETRY, "joined the channel", timedelta(0)))
            return
        if verdict.action is Action.RECREATE and repairable:
            if target.startswith(("#", "@")):
                self.directory.forget(target)  # found (or created) again on the next attempt
                self._retry(row, Verdict(Action.RETRY, verdict.reason, timedelta(0)))
                return
            if target == ROOT and self._move_thread(row, verdict.reason):
                self._postpone(row, 0.0, "the incident's thread is being re-created")
                return
        if verdict.action in (Action.JOIN, Action.RECREATE):
            verdict = Verdict(Action.FAIL, verdict.reason)
        if verdict.action is Action.RETRY:
            log.warning("outbox row %s (%s) attempt %d: %s; retrying in %.1fs", row.id, row.method,
                        row.attempts + 1, verdict.reason, verdict.delay.total_seconds())
            self._retry(row, verdict)
        else:
            self._fail(row, verdict.reason)

    def _move_thread(self, row: OutboxRow, reason: str) -> bool:
        """The incident's channel was archived or deleted under its thread: post the root message again (its
        newest rendering) in the division channel, found or created anew, and carry on in that thread."""
        number = row.incident_number
        if number is None:
            return False
        with self._db.engine.begin() as conn:
            if outbox.has_pending(conn, ordering_key=_thread_key(number)):
                return True  # another row of this incident got here first
            if sum(outbox.roots(conn, incident_number=number).values()) >= MAX_THREADS:
                return False
            found = outbox.latest_root_render(conn, incident_number=number, up_to=row.id)
            if found is None:
                return False
            name, content = found
            message = OutboxMessage(method="chat.postMessage", args={"channel": name, **content, "unfurl_links": False},
                                    ordering_key=_thread_key(number), incident_number=number, purpose="root")
            outbox.enqueue(conn, [message], now=self._clock())
            text = f"The outage's thread is gone ({reason}); it continues under a new root message in {name}."
            IncidentRepository(conn).record(number, TimelineEvent(at=self._clock(), kind=Kind.THREAD_MOVED,
                                                                  actor=BOT, text=text))
        log.warning("incident %s: its thread is gone (%s); re-creating it in %s", number, reason, name)
        self.directory.forget(name)
        return True

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

    def _postpone(self, row: OutboxRow, seconds: float, reason: str) -> None:
        with self._db.engine.begin() as conn:
            outbox.postpone(conn, row.id, retry_at=self._clock() + timedelta(seconds=seconds), reason=reason,
                            owner=self._owner)
        if seconds <= 0:
            self._wake.set()

    def _fail(self, row: OutboxRow, reason: str, *, notify: bool = True) -> None:
        """Give up on the row: the timeline says so, and (once) the commander and the thread are told."""
        log.error("outbox row %s (%s to %s) failed for good: %s", row.id, row.method, row.args.get("channel"), reason)
        with self._db.engine.begin() as conn:
            if not outbox.mark_failed(conn, row.id, error=reason, owner=self._owner):
                return  # another process owns the row now
            if row.incident_number is None:
                return
            incidents = IncidentRepository(conn, id_prefix=self._prefix)
            what = describe(row)
            text = f"Could not deliver {what} to Slack ({row.method}): {reason}"
            incidents.record(row.incident_number, TimelineEvent(at=self._clock(), kind=Kind.DELIVERY_FAILED,
                                                                actor=BOT, text=text))
            incident = incidents.get(row.incident_number)
            if not notify or row.purpose == NOTICE or incident is None:
                return
            msg = delivery_failed_post(incident, what=what, error=reason)
            content = {"text": msg.text, "blocks": msg.blocks}
            notices = [OutboxMessage(method="chat.postMessage", args={"channel": f"@{incident.commander}", **content},
                                     ordering_key=f"incident:{incident.number}", incident_number=incident.number,
                                     purpose=NOTICE)]  # fmt: skip
            if incident.thread_ts and row.purpose != "root":  # told in the thread too, where people look
                notices.append(OutboxMessage(
                    method="chat.postMessage", args={"channel": ROOT, "thread_ts": ROOT, **content},
                    ordering_key=f"incident:{incident.number}", incident_number=incident.number, purpose=NOTICE,
                ))  # fmt: skip
            outbox.enqueue(conn, notices, now=self._clock())
        self._wake.set()


def describe(row: OutboxRow) -> str:
    """What the row was, in words for the people the failure is reported to."""
    channel = str(row.args.get("channel", ""))
    if row.purpose == "root":
        return f"the outage's root message in {channel}"
    if row.purpose == "root_edit":
        return "an edit of the outage's root message"
    if row.purpose == "topic":
        return f"the channel topic of {channel}"
    if channel.startswith("@"):
        return f"a direct message to <@{channel[1:]}>"
    if row.args.get("thread_ts") == ROOT:
        return "a post in the outage's thread"
    return f"a post in {channel}" if channel.startswith("#") else f"a {row.method} call"


def _thread_key(number: int) -> str:
    """The ordering key of an incident's re-created root message (ahead of the rows that wait for it)."""
    return f"incident:{number}:thread"
