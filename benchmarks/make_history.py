"""Build a database with a big history, quickly, on either engine: incidents (most resolved, some open, each
open one with its next update due later), their timeline events, delivered outbox rows and due work.

    python benchmarks/make_history.py --url sqlite:///big.db [--incidents 10000] [--events 1000000] [--open 1000]

The last incident is the big one: `--big-events` of the timeline events are its (for `/api/incidents/{id}`).
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from _setup import ROOT  # noqa: F401  (puts the repository on sys.path)
from sqlalchemy import Connection, insert, text

from incidentbot.domain.due import DueItem, DueKind
from incidentbot.store.database import connect, upgrade
from incidentbot.store.tables import due_work, incidents, outbox, timeline_events

BATCH = 20_000
KINDS = ("update", "note", "severity_changed", "status_changed")


@dataclass(frozen=True)
class Sizes:
    incidents: int = 10_000
    events: int = 1_000_000
    open: int = 1_000
    big_events: int = 5_000
    posts_per_incident: int = 3


def build(url: str, sizes: Sizes, *, now: datetime | None = None) -> int:
    """Fill the (empty, migrated) database at `url`; returns the big incident's number."""
    now = now or datetime.now(UTC)
    upgrade(url)
    db = connect(url)
    try:
        with db.engine.begin() as conn:
            _batched(conn, incidents, _incidents(sizes, now))
            _batched(conn, timeline_events, _events(sizes, now))
            _batched(conn, outbox, _posts(sizes, now))
            _batched(conn, due_work, _due(sizes, now))
            if conn.dialect.name == "postgresql":  # numbers were given: move the sequence past them
                conn.execute(text("SELECT setval(pg_get_serial_sequence('incidents', 'number'), :n)"),
                             {"n": sizes.incidents})  # fmt: skip
    finally:
        db.dispose()
    return sizes.incidents


def _batched(conn: Connection, table: Any, rows: Iterator[dict[str, Any]]) -> None:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            conn.execute(insert(table), batch)
            batch = []
    if batch:
        conn.execute(insert(table), batch)


def _declared(n: int, sizes: Sizes, now: datetime) -> datetime:
    """A year of history, oldest first; the open incidents are the newest."""
    return now - timedelta(days=365) + timedelta(seconds=(365 * 86400 - 7200) * n / sizes.incidents)


def _incidents(sizes: Sizes, now: datetime) -> Iterator[dict[str, Any]]:
    first_open = sizes.incidents - sizes.open + 1
    for n in range(1, sizes.incidents + 1):
        declared = _declared(n, sizes, now)
        is_open = n >= first_open
        yield {
            "number": n, "summary": f"Historic outage {n}: checkout errors in region {n % 7}",
            "division": f"div{n % 12}", "severity": 1 + n % 4, "status": "investigating" if is_open else "resolved",
            "company_wide": n % 10 == 0, "drill": False, "declared_by": "U0ALICE", "declared_at": declared,
            "resolved_at": None if is_open else declared + timedelta(hours=2), "commander": "U0ALICE",
            "communicator": "U0BOB", "pending_handoffs": [],
            "next_update_due_at": now + timedelta(hours=1) if is_open else None, "update_reminded": False,
            "overdue_noticed": False, "postmortem_reminded": True, "last_update_at": declared,
            "last_update_text": "Investigating", "resolution": None if is_open else "Rolled back",
            "impact": None, "service": f"svc{n % 30}", "root_cause": None, "owner_team": None,
            "channel_id": f"C{n % 12:08d}", "thread_ts": f"{1700000000 + n}.000100", "origin_channel_id": None,
        }  # fmt: skip


def _events(sizes: Sizes, now: datetime) -> Iterator[dict[str, Any]]:
    big = sizes.incidents
    others = sizes.events - sizes.big_events
    for i in range(others):
        n = 1 + i % max(1, sizes.incidents - 1)
        yield _event(n, i, _declared(n, sizes, now) + timedelta(seconds=i // sizes.incidents))
    start = _declared(big, sizes, now)
    for i in range(sizes.big_events):
        yield _event(big, i, start + timedelta(seconds=i))


def _event(n: int, i: int, at: datetime) -> dict[str, Any]:
    return {"incident_number": n, "at": at, "kind": KINDS[i % len(KINDS)], "actor": "U0ALICE",
            "text": f"Step {i}: looked at the dashboards, error rate {i % 100}%"}


def _posts(sizes: Sizes, now: datetime) -> Iterator[dict[str, Any]]:
    for n in range(1, sizes.incidents + 1):
        at = _declared(n, sizes, now)
        for k in range(sizes.posts_per_incident):
            yield {
                "delivery_id": str(uuid.uuid4()), "ordering_key": f"incident:{n}", "incident_number": n,
                "method": "chat.postMessage", "args": {"channel": f"C{n % 12:08d}", "text": f"post {k}"},
                "purpose": "root" if k == 0 else "thread", "state": "delivered", "attempts": 1,
                "unknown_outcome": False, "created_at": at, "next_attempt_at": at, "delivered_at": at,
                "result_channel": f"C{n % 12:08d}", "result_ts": f"{1700000000 + n}.{k:06d}",
            }  # fmt: skip


def _due(sizes: Sizes, now: datetime) -> Iterator[dict[str, Any]]:
    for n in range(sizes.incidents - sizes.open + 1, sizes.incidents + 1):
        item = DueItem(DueKind.UPDATE_DUE, now + timedelta(hours=1))
        yield {"key": item.key(n), "kind": str(item.kind), "incident_number": n, "role": None,
               "due_at": item.due_at, "attempts": 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="SQLAlchemy URL of an empty database")
    parser.add_argument("--incidents", type=int, default=Sizes.incidents)
    parser.add_argument("--events", type=int, default=Sizes.events)
    parser.add_argument("--open", type=int, default=Sizes.open)
    parser.add_argument("--big-events", type=int, default=Sizes.big_events)
    args = parser.parse_args()
    started = time.perf_counter()
    big = build(args.url, Sizes(incidents=args.incidents, events=args.events, open=args.open,
                                big_events=args.big_events))  # fmt: skip
    print(f"{args.incidents} incidents ({args.open} open), {args.events} timeline events "
          f"({args.big_events} on OUT-{big}) in {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
