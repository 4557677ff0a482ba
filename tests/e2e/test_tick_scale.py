"""A scheduler tick with nothing due costs the same whatever the number of open incidents: one indexed probe
of the earliest due time, nothing per incident."""

from __future__ import annotations

from tests.support.harness import Harness
from tests.support.statements import statements


def tick_statements(bot: Harness) -> list[str]:
    db = bot.bot.db
    # The tick runs in this thread; the outbox worker, busy posting, in another.
    with statements(db.engine, db.read_engine, this_thread_only=True) as seen:
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
