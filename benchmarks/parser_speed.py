"""How long the `/outage` parser takes on ordinary commands and on huge or hostile text (the answers
themselves are tested in tests/slack/test_parser.py). Slack allows 3,000 ms for the whole acknowledgement.

    python benchmarks/parser_speed.py [--repeat 200]
"""

from __future__ import annotations

import argparse
import time

from _setup import percentiles

from incidentbot.slack.parser import parse

ORDINARY = [
    "declare --division payments --sev 2 Checkout is down for EU customers",
    "update OUT-12 --status identified Rolled back the 14:02 deploy; error rate falling",
    "commander <@U0BOB|bob> OUT-12",
    "set OUT-12 impact=\"card payments failed\" service=payments-api root-cause=expired cert",
    "update 5xx errors down to 2%",
]
HOSTILE = [
    "declare " + "word " * 40_000,
    "note " + "a" * 200_000,
    "set impact=" + "x " * 40_000,
    "<" * 100_000,
    "declare " + "<@U1 " * 20_000,
    "declare " + "--" * 50_000,
    "x" * 200_000,
    "\x00\u2028\ud800" * 10_000,
    "sev " + "9" * 100_000,
    "done " + "9" * 100_000,
    "update OUT-" + "x" * 100_000 + " y",
]


def timed(texts: list[str], repeat: int) -> list[float]:
    """Milliseconds per parse, one sample per text per round."""
    samples = []
    for _ in range(repeat):
        for text in texts:
            started = time.perf_counter()
            parse(text)
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="rounds over each list of texts")
    args = parser.parse_args()
    for name, texts, rounds in (("ordinary", ORDINARY, args.repeat), ("hostile", HOSTILE, max(1, args.repeat // 20))):
        samples = timed(texts, rounds)
        print(f"{name} commands: {percentiles(samples)}")


if __name__ == "__main__":
    main()
