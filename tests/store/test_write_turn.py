"""SQLite's one write lock, taken in turn: every writer of the process takes the write turn before it sends
BEGIN IMMEDIATE, so none of them sleeps in SQLite's busy handler while the lock sits free (that had put the
slowest of twenty concurrent commands at half a second), and the turn is given back however a transaction
ends."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text

from incidentbot.store.database import Database, WriteTurn, connect


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = connect(f"sqlite:///{tmp_path / 'turns.db'}")
    with database.engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
    yield database
    database.dispose()


def begins_without_the_turn(db: Database) -> list[str]:
    """BEGIN statements sent by a writer that does not hold the write turn (appended as they happen)."""
    seen: list[str] = []

    def check(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.startswith("BEGIN") and not conn.connection.info.get(WriteTurn.KEY):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", check)
    return seen


def test_twenty_writers_at_once_each_hold_the_turn_when_they_begin(db: Database) -> None:
    without = begins_without_the_turn(db)
    failures: list[BaseException] = []

    def writer() -> None:
        try:
            for n in range(50):
                with db.engine.begin() as conn:
                    conn.execute(text("INSERT INTO t (x) VALUES (:x)"), {"x": n})
        except BaseException as exc:  # pragma: no cover - reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert failures == []
    assert without == []
    with db.read_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 20 * 50


def test_the_turn_is_given_back_when_a_transaction_fails(db: Database) -> None:
    with pytest.raises(RuntimeError), db.engine.begin() as conn:
        conn.execute(text("INSERT INTO t (x) VALUES (1)"))
        raise RuntimeError("the command failed")
    done = threading.Event()

    def next_writer() -> None:  # would wait WRITE_TURN_TIMEOUT if the turn had been kept
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO t (x) VALUES (2)"))
        done.set()

    threading.Thread(target=next_writer, daemon=True).start()
    assert done.wait(5), "the write turn was not given back after a rollback"
    with db.read_engine.connect() as conn:
        assert conn.execute(text("SELECT x FROM t")).scalars().all() == [2]


def test_readers_take_no_turn(db: Database) -> None:
    with db.engine.connect() as writer:
        writer.begin()
        writer.execute(text("INSERT INTO t (x) VALUES (1)"))
        with db.read_engine.connect() as reader:  # WAL: a reader neither waits for the writer nor sees it
            assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 0
        writer.commit()
