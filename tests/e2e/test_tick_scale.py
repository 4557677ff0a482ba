"""A scheduler tick with nothing due costs the same whatever the number of open incidents: one indexed probe
of the earliest due time, nothing per incident."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, event

from tests.support.harness import Harness


@contextmanager
def statements(*engines: Engine) -> Iterator[list[str]]:
    seen: list[str] = []
    engines = tuple({id(e): e for e in engines}.values())  # one engine serves both on PostgreSQL

    me = threading.get_ident()

    def record(conn: object, cursor: object, statement: str, *args: object) -> None:
        if threading.get_ident() == me:  # the tick runs here; the outbox worker, busy posting, elsewhere
            seen.append(statement)

    for engine in engines:
        event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", record)


def tick_statements(bot: Harness) -> list[str]:
    db = bot.bot.db
    with statements(db.engine, db.read_engine) as seen:
        assert bot.bot.ticker.tick() == 0
    return seen


def test_an_idle_tick_does_not_grow_with_open_incidents(bot: Harness) -> None:
    bot.bot.ticker.stop()
    bot.reply("declare --division payments --sev 4 The first outage")
    few = tick_statements(bot)
    for n in range(30):
        bot.reply(f"declare --division search --sev 4 Outage {n}")
    bot.delivered()
    many = tick_statements(bot)
    assert len(few) == len(many) <= 2, many
    assert not any("incidents" in s for s in many)
