"""A burst: roots, company posts and DMs are claimed before thread chatter, and one incident's rows keep
their order (a reply never overtakes its root or an earlier reply)."""

from __future__ import annotations

from incidentbot.emulator import FakeSlack
from incidentbot.slack.delivery import ChannelPacer
from incidentbot.store.database import Database
from incidentbot.store.outbox import URGENT, OutboxMessage
from tests.support.delivery import deliverer, drain, enqueue, texts


def burst(incidents: int) -> list[OutboxMessage]:
    """What each declaration writes, in order: its root, then two thread posts (a runbook link, a note)."""
    out = []
    for n in range(incidents):
        key = f"incident:{n}"
        out.append(OutboxMessage(method="chat.postMessage", args={"channel": "#ops", "text": f"root {n}"},
                                 ordering_key=key, purpose="root", priority=URGENT))  # fmt: skip
        out += [OutboxMessage(method="chat.postMessage", args={"channel": "#ops", "text": f"reply {n}.{r}"},
                              ordering_key=key) for r in range(2)]  # fmt: skip
    return out


def test_roots_go_before_chatter_and_each_incident_keeps_its_order(db: Database, fake_slack: FakeSlack,
                                                                   ops: str) -> None:
    enqueue(db, *burst(6))
    drain(db, deliverer(db, fake_slack, workers=4))
    posted = texts(fake_slack)
    assert posted[:6] == [f"root {n}" for n in range(6)]
    for n in range(6):
        mine = [t for t in posted if t.startswith((f"root {n}", f"reply {n}."))]
        assert mine == [f"root {n}", f"reply {n}.0", f"reply {n}.1"]


def test_a_paced_burst_posts_every_root_before_the_chatter(db: Database, fake_slack: FakeSlack, ops: str) -> None:
    """The running worker, with a channel pace: the chatter waits, the roots do not wait behind it."""
    enqueue(db, *burst(8))
    worker = deliverer(db, fake_slack, workers=4, pacer=ChannelPacer(interval=0.05, burst=1))
    worker.start()
    try:
        fake_slack.wait_for(lambda: len(texts(fake_slack)) == 24, timeout=15)
    finally:
        worker.stop()
    posted = texts(fake_slack)
    roots_at = [posted.index(f"root {n}") for n in range(8)]
    # Every root is among the first posts: at most the chatter already holding a token when the last root was
    # claimed (fewer than the workers) goes before it.
    assert max(roots_at) < 8 + 3, posted
    for n in range(8):
        assert posted.index(f"root {n}") < posted.index(f"reply {n}.0") < posted.index(f"reply {n}.1")
