"""`kill -9` at any moment after a command was acknowledged loses nothing and doubles nothing.

Real `incidentbot serve` processes on one SQLite file (the default deployment): the fake Slack stores a post
and then holds its answer, the process is SIGKILLed while it waits, and a new process on the same database
must finish the work without posting anything a second time. (On PostgreSQL, rows left by a dead process
are taken over when their lease runs out; tests/slack/delivery/test_earlier.py covers that on both databases.)
"""

from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from incidentbot.emulator import FakeSlack
from incidentbot.store.database import connect
from incidentbot.store.tables import outbox as outbox_table
from tests.support.process import ServeProcess
from tests.support.slack_reading import shown, stored_posts

pytestmark = pytest.mark.slow




def outbox_rows(url: str) -> list[tuple[str, str, str]]:
    db = connect(url)
    try:
        with db.read_engine.connect() as conn:
            stmt = select(outbox_table.c.delivery_id, outbox_table.c.method, outbox_table.c.state)
            return [tuple(r) for r in conn.execute(stmt.order_by(outbox_table.c.id))]  # type: ignore[misc]
    finally:
        db.dispose()


def assert_each_post_exactly_once(url: str, fake: FakeSlack) -> None:
    rows = outbox_rows(url)
    assert rows and all(state == "delivered" for _, _, state in rows), Counter(state for _, _, state in rows)
    stored = stored_posts(fake)
    wrong = {d: stored[d] for d, method, _ in rows if method == "chat.postMessage" and stored[d] != 1}
    assert not wrong, f"posts stored in Slack other than exactly once: {wrong}"


def serve(url: str, fake: FakeSlack, workdir: Path, name: str, config: str | None = None) -> ServeProcess:
    return ServeProcess(database_url=url, slack_api_url=fake.url, workdir=workdir, name=name, config=config)


def test_killed_while_slack_holds_the_answer_to_a_stored_post(fake_slack: FakeSlack, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    fake_slack.delay("chat.postMessage", 30, after_store=True)  # the root is stored; its answer never comes
    first = serve(url, fake_slack, tmp_path, "first").start()
    try:
        assert first.command("declare --division payments --sev 2 Card auth down").status_code == 200
        fake_slack.wait_for(lambda: fake_slack.channel("payments-outage") and fake_slack.messages("payments-outage"))
        first.kill()  # mid-delivery: the post is in Slack, the database does not know it
    finally:
        first.stop()

    with serve(url, fake_slack, tmp_path, "second") as second:
        fake_slack.wait_for(lambda: second.api("/healthz").json()["outbox"]["undelivered"] == 0, timeout=15)
        [root] = fake_slack.messages("payments-outage")
        assert "OUT-1" in shown(root)
        incident = second.api("/api/incidents/OUT-1").json()
        assert incident["thread_ts"] == root.ts
        assert any("commander" in shown(m).lower() for m in fake_slack.dms("U0ALICE"))
        assert "OUT-1" in fake_slack.topic("payments-outage")
        assert re.search(r"took back \d+ outbox row", second.log())
        assert "was already delivered" in second.log()
    assert_each_post_exactly_once(url, fake_slack)


def test_killed_again_and_again_mid_delivery_then_everything_arrives_once_in_order(
    fake_slack: FakeSlack, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path}/bot.db"
    # Every post is slow to be answered, so a kill always finds deliveries in flight; the update cadence is
    # short, so the due work (the update reminder) falls due while no process runs.
    fake_slack.delay("chat.postMessage", 0.15, after_store=True, times=None)
    config = '[cadence]\nsev1 = "3s"\n'
    # The first process plans its update reminder an hour out: only the second process's updates may plan one
    # that falls due during the test. With 3s here too, a restart slower than the cadence (a loaded machine)
    # let Step 3's reminder fall due before Step 4, so the bot rightly reminded twice, once per due time.
    first_config = '[cadence]\nsev1 = "1h"\n'
    steps = [f"Step {n}" for n in range(1, 7)]

    first = serve(url, fake_slack, tmp_path, "first", first_config).start()
    try:
        assert first.command("declare --division payments --sev 1 Checkout down").status_code == 200
        for step in steps[:3]:
            assert first.command(f"update OUT-1 {step}").status_code == 200
        time.sleep(0.8)
        first.kill()
    finally:
        first.stop()

    time.sleep(3.5)  # a restart slower than the short cadence: nothing planned before the crash falls due
    second = serve(url, fake_slack, tmp_path, "second", config).start()
    try:
        for step in steps[3:]:
            assert second.command(f"update OUT-1 {step}").status_code == 200
        time.sleep(0.5)
        second.kill()
    finally:
        second.stop()

    time.sleep(3)  # the next update falls due while nothing runs
    with serve(url, fake_slack, tmp_path, "third", config) as third:

        def settled() -> bool:
            health = third.api("/healthz").json()["outbox"]
            kinds = [e["kind"] for e in third.api("/api/incidents/OUT-1").json()["timeline"]]
            return health["undelivered"] == 0 and "update_due" in kinds

        fake_slack.wait_for(settled, timeout=30)
        time.sleep(0.5)  # let anything wrongly repeated show up
        fake_slack.wait_for(lambda: third.api("/healthz").json()["outbox"]["undelivered"] == 0, timeout=10)

    [root] = fake_slack.messages("payments-outage")
    thread = [shown(m) for m in fake_slack.replies("payments-outage", root.ts)]
    where = [[i for i, text in enumerate(thread) if step in text] for step in steps]
    assert all(len(hits) == 1 for hits in where), where
    assert [hits[0] for hits in where] == sorted(hits[0] for hits in where), "updates out of order"
    reminders = [text for text in thread if "is due now" in text]
    assert len(reminders) == 1, reminders
    company = [shown(m) for m in fake_slack.messages("company-outage")]
    assert all(sum(step in text for text in company) == 1 for step in steps)
    assert_each_post_exactly_once(url, fake_slack)
