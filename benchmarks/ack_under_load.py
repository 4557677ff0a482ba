"""How fast Slack gets its acknowledgement when many people type at once, against the floor: a real
`incidentbot serve` process and a bare slack-bolt app that only acknowledges (benchmarks/bare_bolt.py, served
the same way), both hit in the same run with signed `/outage` commands, the two servers taking turns.

    python benchmarks/ack_under_load.py [--db sqlite|postgresql] [--requests 400] [--concurrency 1 20]
                                        [--people 20] [--commands list status declare update] [--smoke]

Two shapes of load, each measured on both servers:
- `--concurrency N`: N clients sending back to back, each the moment its previous answer arrives. At 20 this
  holds the servers at saturation (hundreds of commands a second): the p50 then measures throughput.
- `--people N`: N people typing at once, each reading the answer before typing the next command (a pause of
  0.5-2 s, seeded): the outage-channel load, at most tens of commands a second.

Targets (issue 8): the bot's p50 within 1.3x the bare app's, its p99 under 100 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
from _setup import ROOT, database

from incidentbot.emulator import FakeSlack
from tests.support import slack_requests as sr
from tests.support.process import ServeProcess, free_port

SEEDED = 20  # incidents declared before measuring, for `status` and `update` to act on
PAUSE = (0.5, 2.0)  # seconds a person takes to read an answer and type the next command
EXPECT = {"list": "", "status": "OUT-", "declare": "declared", "update": "Update posted"}


def texts(command: str, count: int, start: int) -> list[str]:
    """`count` different commands of one kind (each request gets its own trigger id anyway)."""
    n = range(start, start + count)
    if command == "list":
        return ["list"] * count
    if command == "status":
        return [f"status OUT-{1 + i % SEEDED}" for i in n]
    if command == "declare":
        return [f"declare --division bench{i % 5} --sev 3 Load test outage {i}" for i in n]
    return [f"update OUT-{1 + i % SEEDED} Still investigating, step {i}" for i in n]


class BareBolt:
    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "SLACK_SIGNING_SECRET": sr.SIGNING_SECRET}
        self.log = (workdir / "bare.log").open("ab")
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "benchmarks" / "bare_bolt.py"), "--port",
                                      str(self.port)], env=env, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise SystemExit("the bare Bolt app did not start")

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def client(url: str, bodies: list[str], check: Callable[[httpx.Response], bool],
           pauses: random.Random | None = None) -> list[float]:
    """One client sending `bodies` one at a time, each after a pause drawn from PAUSE by `pauses` when given
    (a person reading the answer); milliseconds per request."""
    samples = []
    with httpx.Client(timeout=10) as http:
        for body in bodies:
            if pauses is not None:
                time.sleep(pauses.uniform(*PAUSE))
            headers = sr.sign(body)
            started = time.perf_counter()
            response = http.post(f"{url}/slack/events", content=body, headers=headers)
            samples.append((time.perf_counter() - started) * 1000)
            if not check(response):
                raise SystemExit(f"unexpected answer from {url}: {response.status_code} {response.text[:300]}")
    return samples


def burst(url: str, bodies: list[str], concurrency: int, check: Callable[[httpx.Response], bool]) -> list[float]:
    """Send `bodies` with `concurrency` clients, each one request at a time; milliseconds per request."""
    shares = [bodies[i::concurrency] for i in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        return [s for part in pool.map(lambda share: client(url, share, check), shares) for s in part]


def typing(url: str, bodies: list[str], people: int, check: Callable[[httpx.Response], bool],
           seed: int) -> list[float]:
    """`people` people, each sending their share one command at a time with a pause before each (the first
    pause staggers their starts); milliseconds per request."""

    def person(index: int) -> list[float]:
        return client(url, bodies[index::people], check, pauses=random.Random(seed * 1000 + index))

    with ThreadPoolExecutor(people) as pool:
        return [s for part in pool.map(person, range(people)) for s in part]


def bodies_for(lines: list[str], response_url: str) -> list[str]:
    return [sr.slash_command(t, user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                             response_url=response_url) for t in lines]  # fmt: skip


def measure(bot: str, bare: str, command: str, *, requests: int, concurrency: int, rounds: int, start: int,
            response_url: str, people: bool = False) -> dict[str, list[float]]:
    """The two servers take turns, `rounds` times, each getting `requests / rounds` commands per turn; with
    `people`, `concurrency` people typing rather than clients sending back to back."""
    samples: dict[str, list[float]] = {"bot": [], "bare": []}
    per_turn = max(concurrency, requests // rounds)
    for r in range(rounds):
        order = [("bot", bot), ("bare", bare)] if r % 2 == 0 else [("bare", bare), ("bot", bot)]
        for name, url in order:
            bodies = bodies_for(texts(command, per_turn, start + r * per_turn), response_url)
            want = EXPECT[command] if name == "bot" else "ok"
            def check(resp: httpx.Response, want: str = want) -> bool:
                return resp.status_code == 200 and want in resp.text

            if people:
                samples[name] += typing(url, bodies, concurrency, check, seed=start + r)
            else:
                samples[name] += burst(url, bodies, concurrency, check)
    return samples


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc): what a request costs, whatever the load."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def quantile(samples: list[float], q: int) -> float:
    return statistics.quantiles(sorted(samples), n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--requests", type=int, default=400, help="requests per server, command and concurrency")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 20],
                        help="clients sending back to back (0 for none)")
    parser.add_argument("--people", type=int, nargs="*", default=[20], help="people typing at once")
    parser.add_argument("--rounds", type=int, default=4, help="turns each server takes per measurement")
    parser.add_argument("--commands", nargs="+", choices=list(EXPECT), default=list(EXPECT),
                        help="which commands to measure (default: all four)")
    parser.add_argument("--smoke", action="store_true", help="a tiny run for CI (figures not meaningful)")
    args = parser.parse_args()
    if args.smoke:
        global PAUSE
        args.requests, args.concurrency, args.people, args.rounds = 20, [1, 5], [5], 2
        PAUSE = (0.05, 0.2)
    workdir = Path(tempfile.mkdtemp(prefix="ib-ack-"))
    with FakeSlack(verbose=False) as fake, database(args.db) as url:
        bare = BareBolt(workdir)
        try:
            with ServeProcess(database_url=url, slack_api_url=fake.url, workdir=workdir) as bot:
                assert bot.proc is not None
                run(args, {"bot": (bot.url, bot.proc.pid), "bare": (bare.url, bare.proc.pid)}, fake)
        finally:
            bare.stop()


def run(args: argparse.Namespace, servers: dict[str, tuple[str, int]], fake: FakeSlack) -> None:
    (bot, bot_pid), (bare, bare_pid) = servers["bot"], servers["bare"]
    response_url = fake.new_response_url(max_uses=1_000_000)
    burst(bot, bodies_for(texts("declare", SEEDED, 0), response_url), 1, lambda r: "declared" in r.text)
    load = os.getloadavg()
    print(f"database: {args.db}; {args.requests} requests per cell and server, in {args.rounds} alternating turns; "
          f"load average before: {load[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"{'command':8} {'load':>9} | {'bot p50':>8} {'bare p50':>8} {'ratio':>6} | {'bot p99':>8} "
          f"{'bare p99':>8} | {'CPU ms/req bot':>14} {'bare':>5} | target: p50 ratio <= 1.3, p99 < 100 ms")
    start = SEEDED
    shapes = [(n, False) for n in args.concurrency if n] + [(n, True) for n in args.people or [] if n]
    # Reads first: each declaration leaves posts that go out at Slack's pace of one a second per channel,
    # so the writes leave the bot delivering in the background for minutes (the backlog is printed).
    for command, (count, people) in [(c, shape) for c in args.commands for shape in shapes]:
        cpu = cpu_seconds(bot_pid), cpu_seconds(bare_pid)
        # People pause between commands (about 16 commands a second from 20 people): half the requests.
        requests = max(count, args.requests // 2) if people else args.requests
        s = measure(bot, bare, command, requests=requests, concurrency=count, rounds=args.rounds,
                    start=start, response_url=response_url, people=people)
        start += requests
        print(row(command, f"{count} {'people' if people else 'conc'}", s,
                  ((cpu_seconds(bot_pid) - cpu[0]) * 1000 / len(s["bot"]),
                   (cpu_seconds(bare_pid) - cpu[1]) * 1000 / len(s["bare"]))), backlog(bot), flush=True)


def row(command: str, load: str, s: dict[str, list[float]], cpu: tuple[float, float]) -> str:
    b50, f50, b99, f99 = (quantile(s["bot"], 50), quantile(s["bare"], 50), quantile(s["bot"], 99),
                          quantile(s["bare"], 99))
    ok = "met" if b50 <= 1.3 * f50 and b99 < 100 else "MISSED"
    return (f"{command:8} {load:>9} | {b50:7.1f}  {f50:7.1f}  {b50 / f50:5.2f}x | {b99:7.1f}  {f99:7.1f}  | "
            f"{cpu[0]:14.1f} {cpu[1]:5.1f} | {ok:6}")


def backlog(bot: str) -> str:
    undelivered = httpx.get(f"{bot}/healthz", timeout=10).json()["outbox"]["undelivered"]
    return f"({undelivered} posts waiting for Slack's pace)" if undelivered else ""


if __name__ == "__main__":
    main()
