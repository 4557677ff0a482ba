"""How fast the outbox drains into Slack (the fake, answering instantly) with per-incident ordering kept.

    python benchmarks/outbox_throughput.py [--db sqlite|postgresql] [--rows 2000] [--keys 50]
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from _setup import database
from slack_sdk import WebClient

from incidentbot.emulator import FakeSlack
from incidentbot.slack.delivery import ChannelPacer, Deliverer
from incidentbot.store import outbox
from incidentbot.store.database import connect
from incidentbot.store.outbox import OutboxMessage


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--keys", type=int, default=50, help="ordering keys (incidents) the rows are spread over")
    args = parser.parse_args()
    with FakeSlack() as fake, database(args.db) as url:
        db = connect(url)
        now = datetime.now(UTC)
        with db.engine.begin() as conn:
            outbox.enqueue(conn, [
                OutboxMessage(method="chat.postMessage", ordering_key=f"incident:{i % args.keys}",
                              args={"channel": f"#bench-{i % args.keys}", "text": f"post {i}"})
                for i in range(args.rows)
            ], now=now)  # fmt: skip
        client = WebClient(token="xoxb-test", base_url=fake.url, retry_handlers=[])
        deliverer = Deliverer(db=db, client=client, clock=lambda: datetime.now(UTC), owner="bench",
                              poll_interval=0.05, pacer=ChannelPacer(interval=0))
        started = time.perf_counter()
        deliverer.start()
        while True:
            with db.read_engine.connect() as conn:
                if outbox.counts(conn)["pending"] == 0:
                    break
            time.sleep(0.05)
        elapsed = time.perf_counter() - started
        deliverer.stop()
        in_order = all(
            [m.text for m in fake.messages(f"bench-{k}")] == [f"post {i}" for i in range(k, args.rows, args.keys)]
            for k in range(args.keys)
        )
        db.dispose()
    print(f"database: {args.db}; {args.rows} posts over {args.keys} incidents (channel pacing off)")
    print(f"delivered in {elapsed:.2f} s: {args.rows / elapsed:.0f} posts/s; order kept per incident: {in_order}")


if __name__ == "__main__":
    main()
