"""Answers over a big history: a real `incidentbot serve` on a database built by make_history.py (10,000
incidents, 1,000 open, 1,000,000 timeline events, 5,000 of them on one incident), asked one request at a time.

    python benchmarks/big_history.py [--db sqlite|postgresql] [--requests 200] [--smoke]

Targets (issue 8): each answer's p99 under 50 ms (writes are measured beside them); a scheduler tick with
nothing due under 5 ms, whatever the number of open incidents; the server's resident memory after the load
under 150 MB.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from _setup import database
from ack_under_load import bodies_for, quantile
from make_history import Sizes, build

from incidentbot.bootstrap import Options, build_bot
from incidentbot.config import Env, Settings, config_from_mapping
from incidentbot.emulator import FakeSlack
from tests.support import slack_requests as sr
from tests.support.harness import API_TOKEN
from tests.support.process import ServeProcess

SMOKE = Sizes(incidents=300, events=20_000, open=60, big_events=500)


def timed(count: int, request: Callable[[httpx.Client], httpx.Response]) -> list[float]:
    samples = []
    with httpx.Client(timeout=10, headers={"Authorization": f"Bearer {API_TOKEN}"}) as http:
        for _ in range(count):
            started = time.perf_counter()
            response = request(http)
            samples.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                raise SystemExit(f"{response.status_code}: {response.text[:300]}")
    return samples


def slash(url: str, text: str, response_url: str) -> Callable[[httpx.Client], httpx.Response]:
    [body] = bodies_for([text], response_url)

    def send(http: httpx.Client) -> httpx.Response:
        return http.post(f"{url}/slack/events", content=body, headers=sr.sign(body))

    return send


def slash_each(url: str, texts: Callable[[int], str], response_url: str) -> Callable[[httpx.Client], httpx.Response]:
    """A different command (and trigger) each call: a write sent twice would be answered as a retry."""
    count = iter(range(1_000_000))

    def send(http: httpx.Client) -> httpx.Response:
        [body] = bodies_for([texts(next(count))], response_url)
        return http.post(f"{url}/slack/events", content=body, headers=sr.sign(body))

    return send


def resident_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def tick_ms(url: str, fake: FakeSlack, count: int) -> list[float]:
    """The scheduler's tick, in this process, against the same database (nothing is due)."""
    env = Env(slack_bot_token=None, slack_signing_secret=None, slack_app_token=None, slack_api_url=fake.url,
              database_url=url, incidentbot_config=None, incidentbot_api_token=None)  # fmt: skip
    settings = Settings(env=env, bot=config_from_mapping({}, base_dir=Path(".")), config_path=None)
    bot = build_bot(settings, Options(migrate=False, run_workers=False))
    try:
        samples = []
        for _ in range(count):
            started = time.perf_counter()
            bot.ticker.tick()
            samples.append((time.perf_counter() - started) * 1000)
        return samples
    finally:
        bot.db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=200, help="requests per kind")
    parser.add_argument("--smoke", action="store_true", help="a small history for CI (figures not meaningful)")
    args = parser.parse_args()
    sizes = SMOKE if args.smoke else Sizes()
    with FakeSlack(verbose=False) as fake, database(args.db) as url:
        started = time.perf_counter()
        big = build(url, sizes)
        print(f"database: {args.db}; {sizes.incidents} incidents ({sizes.open} open), {sizes.events} timeline "
              f"events ({sizes.big_events} on OUT-{big}), built in {time.perf_counter() - started:.1f} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
        with ServeProcess(database_url=url, slack_api_url=fake.url,
                          workdir=Path(tempfile.mkdtemp(prefix="ib-big-"))) as bot:
            assert bot.proc is not None
            measure(args.requests, bot.url, fake, big)
            print(f"resident memory of serve after the load: {resident_mb(bot.proc.pid):.0f} MB (target < 150 MB)")
        ticks = tick_ms(url, fake, max(50, args.requests))
        print(f"{'scheduler tick':34} p50 {quantile(ticks, 50):6.2f} ms  p99 {quantile(ticks, 99):6.2f} ms  "
              f"(target < 5 ms, {sizes.open} open incidents, nothing due)")


def measure(requests: int, url: str, fake: FakeSlack, big: int) -> None:
    response_url = fake.new_response_url(max_uses=1_000_000)
    cases = {
        "/outage list": slash(url, "list", response_url),
        f"/outage status OUT-{big}": slash(url, f"status OUT-{big}", response_url),
        "GET /api/incidents?status=open": lambda h: h.get(f"{url}/api/incidents?status=open"),
        f"GET /api/incidents/OUT-{big}": lambda h: h.get(f"{url}/api/incidents/OUT-{big}"),
        f"GET /api/incidents/OUT-{big}?limit=100": lambda h: h.get(f"{url}/api/incidents/OUT-{big}?limit=100"),
        # Writes at scale: the declarer (like the history's commander, U0ALICE) gets a fresh Home tab that
        # shows her part in every open outage, and the division's channel topic is rewritten.
        "/outage declare": slash_each(url, lambda i: f"declare --division div1 --sev 3 Load outage {i}",
                                      response_url),
        f"/outage update OUT-{big}": slash_each(url, lambda i: f"update OUT-{big} -- Still on it, step {i}",
                                                response_url),
    }
    for name, request in cases.items():
        timed(5, request)  # warm up
        samples = timed(requests, request)
        verdict = "met" if quantile(samples, 99) < 50 else "MISSED"
        print(f"{name:34} p50 {quantile(samples, 50):6.1f} ms  p99 {quantile(samples, 99):6.1f} ms  "
              f"(target p99 < 50 ms: {verdict})", flush=True)


if __name__ == "__main__":
    main()
