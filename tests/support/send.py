"""Send a signed `/outage` command to a running bot, as Slack would (for trying the bot without Slack).

    python -m tests.support.send "declare --division payments --sev 2 Checkout is down"
    python -m tests.support.send --user U0BOB --channel payments-outage "update Rolled back"
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import httpx

from tests.support import slack_requests as sr


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.support.send", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", help="what follows /outage")
    parser.add_argument("--url", default="http://127.0.0.1:3000/slack/events", help="the bot's /slack/events")
    parser.add_argument("--user", default="U0ALICE", help="Slack user id of the person typing")
    parser.add_argument("--channel", default="general", help="name of the channel it is typed in")
    parser.add_argument("--channel-id", default="", help="id of that channel (default: made up from the name)")
    parser.add_argument("--secret", default=os.environ.get("SLACK_SIGNING_SECRET", sr.SIGNING_SECRET),
                        help="signing secret (default: $SLACK_SIGNING_SECRET)")
    args = parser.parse_args(argv)
    channel_id = args.channel_id or "C0" + args.channel.upper().replace("-", "")[:9]
    body = sr.slash_command(args.text, user=args.user, channel_id=channel_id, channel_name=args.channel,
                            response_url="http://127.0.0.1:9/no-response-url")
    response = httpx.post(args.url, content=body, headers=sr.sign(body, secret=args.secret), timeout=10)
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    print(json.loads(response.text).get("text", "") if response.text else "(no reply)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
