"""Short leases kept alive by a heartbeat: a live holder keeps its outbox rows and due work past the lease,
and once its heartbeat stops (the process died) another process takes them over."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from incidentbot.domain.due import DueItem, DueKind
from incidentbot.store import due_work, outbox
from incidentbot.store.database import Database, connect
from incidentbot.store.outbox import OutboxMessage

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LEASE = timedelta(seconds=10)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    yield database
    database.dispose()


def test_a_renewed_outbox_lease_holds_and_a_lapsed_one_is_taken_over(db: Database) -> None:
    with db.engine.begin() as conn:
        outbox.enqueue(conn, [OutboxMessage(method="chat.postMessage", args={"text": "x"}, ordering_key="k")],
                       now=NOW)  # fmt: skip
        [row] = outbox.claim(conn, owner="alive", now=NOW, lease=LEASE)
    for beat in range(1, 6):  # a slow delivery: 30 s, renewed every third of the lease
        at = NOW + beat * LEASE / 3 * 2
        with db.engine.begin() as conn:
            assert outbox.renew_leases(conn, owner="alive", ids=[row.id], until=at + LEASE) == 1
            assert outbox.claim(conn, owner="other", now=at + LEASE / 2, lease=LEASE) == []
    died = NOW + 5 * LEASE / 3 * 2  # the last heartbeat
    with db.engine.begin() as conn:
        assert outbox.claim(conn, owner="other", now=died + LEASE - timedelta(seconds=1), lease=LEASE) == []
        [taken] = outbox.claim(conn, owner="other", now=died + LEASE + timedelta(seconds=1), lease=LEASE)
    assert taken.id == row.id and taken.unknown_outcome  # it may have been posted: checked before posting again


def test_a_renewed_due_work_lease_holds_and_a_lapsed_one_is_taken_over(db: Database) -> None:
    with db.engine.begin() as conn:
        due_work.ensure(conn, DueItem(DueKind.ROLLUP, NOW))
        [row] = due_work.claim(conn, owner="alive", now=NOW, lease=LEASE)
    at = NOW + LEASE - timedelta(seconds=2)
    with db.engine.begin() as conn:
        assert due_work.renew_leases(conn, owner="alive", ids=[row.id], until=at + LEASE) == 1
        assert due_work.renew_leases(conn, owner="nobody", ids=[row.id], until=at + LEASE) == 0
        assert due_work.renew_leases(conn, owner="alive", ids=[], until=at + LEASE) == 0  # not in hand: not renewed
    with db.engine.begin() as conn:
        assert due_work.claim(conn, owner="other", now=NOW + LEASE + timedelta(seconds=1), lease=LEASE) == []
        [taken] = due_work.claim(conn, owner="other", now=at + LEASE + timedelta(seconds=1), lease=LEASE)
        assert taken.id == row.id
        assert not due_work.still_leased_by(conn, row.id, "alive")
