"""A burst of declarations in one channel: when each incident's root reaches Slack, at Slack's pace of one
post a second per channel (the bot's default), against a real `incidentbot serve` process.

    python benchmarks/burst.py [--db sqlite|postgresql] [--incidents 20]

Target (issue 8): the first root at once, all twenty within 25 s; roots and company announcements go before
thread chatter, while each incident's thread stays in order.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _setup import ROOT, database

from incidentbot.emulator import FakeSlack
from tests.support.process import ServeProcess

CHANNEL = "payments-outage"  # the default `division_channel` pattern, for --division payments
# With a runbook, each declaration also posts the runbook link in its thread: the chatter a root must not wait for.
CONFIG = f'runbooks_dir = "{ROOT / "runbooks"}"\n\n[[divisions]]\nname = "payments"\nrunbook = "payments.md"\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--incidents", type=int, default=20)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ib-burst-"))
    with FakeSlack(verbose=False) as fake, database(args.db) as url, \
            ServeProcess(database_url=url, slack_api_url=fake.url, workdir=workdir, config=CONFIG) as bot:
        started = time.monotonic()
        # Watched from the first request on, beside the sending: a root may reach Slack before the last
        # declaration has been answered.
        with ThreadPoolExecutor(max_workers=args.incidents + 1) as pool:
            watching = pool.submit(watch, fake, args.incidents, started)
            answers = list(pool.map(lambda i: bot.command(f"declare --division payments --sev 2 Burst {i}"),
                                    range(args.incidents)))  # fmt: skip
            answered = time.monotonic() - started
            assert all(a.status_code == 200 for a in answers), [a.text for a in answers]
            arrived = watching.result()
        report(fake, args, arrived, answered)


def roots(fake: FakeSlack) -> list[str]:
    """The ts of every root posted so far in the division channel."""
    return [m.ts for m in fake.messages(CHANNEL)] if fake.channel(CHANNEL) is not None else []


def watch(fake: FakeSlack, count: int, started: float, timeout: float = 180.0) -> dict[str, float]:
    """When each root (by ts) was first seen, in seconds since the burst began."""
    arrived: dict[str, float] = {}
    while len(arrived) < count and time.monotonic() - started < timeout:
        now = time.monotonic() - started
        for ts in roots(fake):
            arrived.setdefault(ts, now)
        time.sleep(0.02)
    return arrived


def report(fake: FakeSlack, args: argparse.Namespace, arrived: dict[str, float], answered: float) -> None:
    times = sorted(arrived.values())
    replies_before_last_root = 0
    channel = CHANNEL
    last_root = max(arrived, key=lambda ts: float(ts))
    for ts in arrived:
        replies_before_last_root += sum(1 for r in fake.replies(channel, ts) if float(r.ts) < float(last_root))
    print(f"database: {args.db}; {args.incidents} declarations at once in #{channel}, channel pace 1 post/s "
          f"(burst 4)")
    print(f"all {args.incidents} declarations answered after {answered:.2f} s")
    print("root arrivals (s): " + " ".join(f"{t:.2f}" for t in times))
    print(f"first root after {times[0]:.2f} s; all {len(times)} roots after {times[-1]:.1f} s "
          f"(target: all within 25 s: {'met' if len(times) == args.incidents and times[-1] <= 25 else 'MISSED'}); "
          f"thread replies posted before the last root: {replies_before_last_root}")


if __name__ == "__main__":
    main()
