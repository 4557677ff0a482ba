"""How fast Slack gets its answer: signed `/outage` requests over HTTP, each committed (state, timeline,
outbox, due work) before the reply. Slack's limit is 3,000 ms.

    python benchmarks/command_latency.py [--db sqlite|postgresql] [--incidents 200]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from _setup import database, percentiles

from incidentbot.emulator import FakeSlack
from tests.support.harness import start_harness


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--incidents", type=int, default=200)
    args = parser.parse_args()
    with FakeSlack() as fake, database(args.db) as url, \
            start_harness(database_url=url, fake=fake, tmp_path=Path("/tmp")) as bot:
        declare, update = [], []
        started = time.perf_counter()
        for n in range(1, args.incidents + 1):
            division = f"div{n % 10}"
            t0 = time.perf_counter()
            response = bot.command(f"declare --division {division} --sev {1 + n % 4} Benchmark outage {n}")
            declare.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and "declared" in response.text, response.text
            t0 = time.perf_counter()
            response = bot.command(f"update OUT-{n} Still investigating, next step {n}")
            update.append((time.perf_counter() - t0) * 1000)
            assert response.status_code == 200 and "posted" in response.text, response.text
        commands = time.perf_counter() - started
        bot.delivered(timeout=300)
        drained = time.perf_counter() - started
        posts = len(fake.calls_to("chat.postMessage")) + len(fake.calls_to("chat.update"))
    print(f"database: {args.db}; {args.incidents} incidents over 10 divisions")
    print(f"declare ack: {percentiles(declare)}")
    print(f"update ack:  {percentiles(update)}")
    print(f"{2 * args.incidents} commands in {commands:.1f} s ({2 * args.incidents / commands:.0f} commands/s, "
          f"one client); every post delivered {drained:.1f} s after the first command ({posts} Slack posts/edits)")


if __name__ == "__main__":
    main()
