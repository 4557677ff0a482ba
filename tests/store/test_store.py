"""The store on both databases: the aggregate round-trips, the outbox keeps order, leases protect claims, and
the channel topic reads only the incidents it can show."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event

from incidentbot.config import BotConfig
from incidentbot.domain.due import DueItem, DueKind
from incidentbot.domain.model import Incident, Role
from incidentbot.domain.policy import Policy
from incidentbot.messages import channel_topic
from incidentbot.messages.topic import TOPIC_ROOM
from incidentbot.service.context import Context
from incidentbot.service.posts import Posts
from incidentbot.store import due_work, outbox
from incidentbot.store.database import Database, connect
from incidentbot.store.incidents import IncidentRepository
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.unit_of_work import UnitOfWork

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = connect(database_url)
    yield database
    database.dispose()


def declared(**kw: object) -> Incident:
    args: dict[str, object] = {"summary": "Cards failing", "division": "payments", "severity": 2,
                               "declared_by": "U0ALICE", "now": NOW, "policy": Policy()}
    args.update(kw)
    return Incident.declare(**args)  # type: ignore[arg-type]


def test_incident_round_trips_with_handoffs_and_timeline(db: Database) -> None:
    with UnitOfWork(db) as uow:
        incident = declared(commander="U0BOB")
        number = uow.incidents.add(incident, origin_channel_id="C0GENERAL")
        uow.commit()
    with UnitOfWork(db) as uow:
        loaded = uow.incidents.get(number, lock=True)
        assert loaded is not None
        assert loaded.summary == "Cards failing" and loaded.severity == 2 and loaded.declared_at == NOW
        assert [(h.role, h.to) for h in loaded.pending_handoffs] == [(Role.COMMANDER, "U0BOB"),
                                                                     (Role.COMMUNICATOR, "U0BOB")]
        assert loaded.next_update_due_at == NOW + timedelta(minutes=30)
        loaded.accept_handoff(user="U0BOB", now=NOW + timedelta(minutes=1))
        uow.incidents.save(loaded)
        uow.commit()
    with UnitOfWork(db, readonly=True) as uow:
        again = uow.incidents.get(number)
        assert again is not None and again.commander == "U0BOB" and again.pending_handoffs == []
        kinds = [e.kind for e in uow.incidents.timeline(number)]
        assert kinds == ["declared", "handoff_requested", "handoff_requested", "handoff_accepted",
                         "handoff_accepted"]


def test_numbers_are_unique_and_increasing_and_a_rollback_writes_nothing(db: Database) -> None:
    numbers = []
    for _ in range(3):
        with UnitOfWork(db) as uow:
            numbers.append(uow.incidents.add(declared()))
            uow.commit()
    with UnitOfWork(db) as uow:
        uow.incidents.add(declared(summary="never committed"))
        # no commit: leaving the block rolls back
    with UnitOfWork(db, readonly=True) as uow:
        assert [i.summary for i in uow.incidents.newest()] == ["Cards failing"] * 3
    assert numbers == sorted(numbers) and len(set(numbers)) == 3


def test_outbox_claims_only_the_head_of_each_ordering_key(db: Database) -> None:
    def msg(key: str, n: int) -> OutboxMessage:
        return OutboxMessage(method="chat.postMessage", args={"channel": "#x", "text": str(n)}, ordering_key=key)

    with db.engine.begin() as conn:
        outbox.enqueue(conn, [msg("a", 1), msg("a", 2), msg("b", 3)], now=NOW)
    with db.engine.begin() as conn:
        first = outbox.claim(conn, owner="p1", now=NOW, lease=timedelta(seconds=30))
    assert sorted(r.args["text"] for r in first) == ["1", "3"]
    with db.engine.begin() as conn:
        assert outbox.claim(conn, owner="p2", now=NOW, lease=timedelta(seconds=30)) == []
        head = next(r for r in first if r.args["text"] == "1")
        assert outbox.mark_delivered(conn, head.id, now=NOW, channel="C1", ts="1.1", owner="p1")
    with db.engine.begin() as conn:
        second = outbox.claim(conn, owner="p2", now=NOW, lease=timedelta(seconds=30))
    assert [r.args["text"] for r in second] == ["2"]


def test_an_expired_lease_is_taken_over_and_the_old_owner_cannot_finish(db: Database) -> None:
    with db.engine.begin() as conn:
        outbox.enqueue(conn, [OutboxMessage(method="chat.postMessage", args={"text": "x"}, ordering_key="k")],
                       now=NOW)
    with db.engine.begin() as conn:
        [row] = outbox.claim(conn, owner="crashed", now=NOW, lease=timedelta(seconds=30))
    later = NOW + timedelta(seconds=31)
    with db.engine.begin() as conn:
        [again] = outbox.claim(conn, owner="survivor", now=later, lease=timedelta(seconds=30))
        assert again.id == row.id
        assert not outbox.mark_delivered(conn, row.id, now=later, channel="C", ts="1", owner="crashed")
        assert outbox.mark_delivered(conn, row.id, now=later, channel="C", ts="1", owner="survivor")
        assert outbox.counts(conn) == {"pending": 0, "delivered": 1, "failed": 0}


def test_due_work_is_planned_once_and_claimed_once(db: Database) -> None:
    with db.engine.begin() as conn:
        assert due_work.ensure(conn, DueItem(DueKind.ROLLUP, NOW))
        assert not due_work.ensure(conn, DueItem(DueKind.ROLLUP, NOW + timedelta(minutes=5)))
    with db.engine.begin() as conn:
        claimed = due_work.claim(conn, owner="p1", now=NOW, lease=timedelta(minutes=1))
    with db.engine.begin() as conn:
        assert due_work.claim(conn, owner="p2", now=NOW, lease=timedelta(minutes=1)) == []
    assert [r.kind for r in claimed] == [DueKind.ROLLUP]
    with db.engine.begin() as conn:
        assert due_work.still_leased_by(conn, claimed[0].id, "p1")
        assert not due_work.still_leased_by(conn, claimed[0].id, "p2")
        due_work.finish(conn, claimed[0].id)
        assert due_work.pending(conn) == []


def test_replacing_an_incidents_due_work_drops_what_is_no_longer_owed(db: Database) -> None:
    with UnitOfWork(db) as uow:
        number = uow.incidents.add(declared())
        due_work.replace_for_incident(uow.conn, number, [DueItem(DueKind.UPDATE_DUE, NOW),
                                                         DueItem(DueKind.UPDATE_OVERDUE, NOW)])
        due_work.replace_for_incident(uow.conn, number, [DueItem(DueKind.UPDATE_DUE, NOW + timedelta(hours=1))])
        uow.commit()
    with db.engine.begin() as conn:
        [only] = due_work.pending(conn, incident_number=number)
    assert only.kind is DueKind.UPDATE_DUE and only.due_at == NOW + timedelta(hours=1)


@contextmanager
def reads(engine: Engine) -> Iterator[dict[str, list[Any]]]:
    """The SQL statements run and the incident rows loaded while the block runs."""
    seen: dict[str, list[Any]] = {"statements": [], "rows": []}
    load = IncidentRepository._from_row

    def loading(repo: IncidentRepository, row: Any) -> Incident:
        seen["rows"].append(row["number"])
        return load(repo, row)

    def executing(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen["statements"].append(statement)

    event.listen(engine, "before_cursor_execute", executing)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(IncidentRepository, "_from_row", loading)
            yield seen
    finally:
        event.remove(engine, "before_cursor_execute", executing)


def many_open(db: Database, count: int) -> list[Incident]:
    """`count` open incidents in payments of every severity, and some that must not count: another division's,
    and closed ones."""
    with UnitOfWork(db) as uow:
        made = [declared(severity=4 - n % 4, summary=f"outage {n}") for n in range(count)]
        for incident in made:
            uow.incidents.add(incident)
        uow.incidents.add(declared(division="search", severity=1))
        for n in range(3):
            closed = declared(severity=1)
            closed.resolve(actor="U0ALICE", now=NOW + timedelta(minutes=n))
            uow.incidents.add(closed)
        uow.commit()
    return made


def test_the_worst_open_incidents_of_a_division_and_their_count(db: Database) -> None:
    made = many_open(db, 30)
    worst = sorted(made, key=lambda i: (i.severity, i.number or 0))
    with UnitOfWork(db, readonly=True) as uow:
        first, count = uow.incidents.first_open(9, division="payments", worst_first=True)
        assert [i.number for i in first] == [i.number for i in worst[:9]]
        assert uow.incidents.first_open(40, division="payments", worst_first=True)[0] == worst
        assert uow.incidents.first_open(9, division="nobody", worst_first=True)[0] == []
        assert count == 30
        assert uow.incidents.first_open(9, division="nobody")[1] == 0
        assert uow.incidents.first_open(9)[1] == 31


def test_the_topic_reads_no_more_than_it_can_show(db: Database) -> None:
    made = many_open(db, 300)
    ctx = Context(config=BotConfig(), clock=lambda: NOW, new_uow=lambda: UnitOfWork(db),
                  read_uow=lambda: UnitOfWork(db, readonly=True))
    posts = Posts(ctx, NOW)
    with UnitOfWork(db) as uow, reads(uow.conn.engine) as seen:  # as in a declare's transaction
        posts.topic(uow, "payments")
    [select, count] = seen["statements"]
    assert "LIMIT" in select.upper() and "COUNT" in count.upper()
    assert len(seen["rows"]) == TOPIC_ROOM
    [message] = posts.messages
    topic = message.args["topic"]
    assert topic == channel_topic(made, public_url=ctx.config.public_url)  # as when it was built from all 300
    assert topic.startswith("🔴 OUT-4 SEV1") and topic.endswith(f" | +{300 - topic.count('|page>')} more")
