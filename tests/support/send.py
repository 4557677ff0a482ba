"""Send a signed `/outage` command to a running bot, as Slack would (for trying the bot without Slack).

    python -m tests.support.send "declare --division payments --sev 2 Checkout is down"
    python -m tests.support.send --user U0BOB --channel payments-outage "update Rolled back"
    python -m tests.support.send --click resolve_confirm '{"incident": 1}'

It waits (up to --wait seconds) for the bot to answer /healthz, then prints the reply as Slack would show
it: sections, context lines and buttons, with the command that clicks each button. Follow-ups the bot sends
to the response_url (after a click) land in the fake Slack (`python -m incidentbot.emulator`) and are printed.
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import sys
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from tests.support import slack_requests as sr

DEAD_RESPONSE_URL = "http://127.0.0.1:9/no-response-url"
FOLLOW_UP_WAIT = 5.0  # seconds to wait for the bot's answer to a click


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    if not wait_until_up(args.url, args.wait):
        print(f"No answer from incidentbot at {_origin(args.url)}/healthz after {args.wait:g} s. Is "
              "`incidentbot serve` running there (it takes a few seconds to start)? --url and --wait change "
              "where and how long to wait.", file=sys.stderr)
        return 2
    response_url = new_response_url(args.slack)
    if args.click:
        return _click(args, response_url)
    channel_id = args.channel_id or "C0" + args.channel.upper().replace("-", "")[:9]
    body = sr.slash_command(args.text, user=args.user, channel_id=channel_id, channel_name=args.channel,
                            response_url=response_url or DEAD_RESPONSE_URL)
    response = httpx.post(args.url, content=body, headers=sr.sign(body, secret=args.secret), timeout=10)
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    print(readable(response.json(), args) if response.text else "(no reply)")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.support.send", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("text", help="what follows /outage; with --click, the button's value (JSON)")
    parser.add_argument("--click", metavar="ACTION_ID", help="click the button with this action id instead")
    parser.add_argument("--url", default=os.environ.get("INCIDENTBOT_URL", "http://127.0.0.1:3000") + "/slack/events",
                        help="the bot's /slack/events (default: $INCIDENTBOT_URL/slack/events, port 3000)")
    parser.add_argument("--slack", default=os.environ.get("SLACK_API_URL", "http://127.0.0.1:8099/api/"),
                        help="the fake Slack's API URL, for response_urls (default: $SLACK_API_URL)")
    parser.add_argument("--wait", type=float, default=20.0, help="seconds to wait for the bot to start")
    parser.add_argument("--user", default="U0ALICE", help="Slack user id of the person typing")
    parser.add_argument("--channel", default="general", help="name of the channel it is typed in")
    parser.add_argument("--channel-id", default="", help="id of that channel (default: made up from the name)")
    parser.add_argument("--secret", default=os.environ.get("SLACK_SIGNING_SECRET", sr.SIGNING_SECRET),
                        help="signing secret (default: $SLACK_SIGNING_SECRET)")
    return parser.parse_args(argv)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def wait_until_up(events_url: str, seconds: float) -> bool:
    """Whether the bot's /healthz answers (any HTTP status: the server is up) within `seconds`."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            httpx.get(f"{_origin(events_url)}/healthz", timeout=2)
            return True
        except httpx.TransportError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.2)


def new_response_url(slack_api_url: str) -> str | None:
    """A response_url made by the fake Slack, so the bot's follow-ups land there; None without the fake."""
    try:
        response = httpx.post(f"{_origin(slack_api_url)}/response-urls", timeout=5)
        return str(response.json()["response_url"]) if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, KeyError):
        return None


def _click(args: argparse.Namespace, response_url: str | None) -> int:
    if response_url is None:
        print(f"The fake Slack at {args.slack} gave no response_url; start it with "
              "`python -m incidentbot.emulator --port 8099` (or point --slack at it).", file=sys.stderr)
        return 2
    body = sr.block_action(args.click, args.text, user=args.user, response_url=response_url)
    response = httpx.post(args.url, content=body, headers=sr.sign(body, secret=args.secret), timeout=10)
    if response.status_code != 200:
        print(f"HTTP {response.status_code}: {response.text}", file=sys.stderr)
        return 1
    posted = follow_ups(response_url)
    print("\n\n".join(readable(p, args) for p in posted) if posted else "(no follow-up)")
    return 0


def follow_ups(response_url: str, seconds: float = FOLLOW_UP_WAIT) -> list[dict[str, Any]]:
    """What the bot posted to `response_url`, waiting up to `seconds` for the first post."""
    parts = urlsplit(response_url)
    where = f"{parts.scheme}://{parts.netloc}/response-urls/{parts.path.rsplit('/', 1)[-1]}"
    deadline = time.monotonic() + seconds
    while True:
        posted: list[dict[str, Any]] = httpx.get(where, timeout=5).json().get("responses", [])
        if posted or time.monotonic() >= deadline:
            return posted
        time.sleep(0.1)


# ----- showing a reply ------------------------------------------------------------------------------------


def readable(message: dict[str, Any], args: argparse.Namespace) -> str:
    """A Slack message as plain lines: sections, fields, context (indented), buttons with how to click them."""
    blocks = message.get("blocks") or []
    if not blocks:
        return plain(str(message.get("text", "")))
    lines: list[str] = []
    for block in blocks:
        lines += _block_lines(block, args)
    return "\n".join(lines)


def _block_lines(block: dict[str, Any], args: argparse.Namespace) -> list[str]:
    kind = block.get("type")
    if kind == "header":
        return [f"== {block['text']['text']} =="]
    if kind == "divider":
        return ["----"]
    if kind == "context":
        return ["   " + plain(e.get("text", "")) for e in block.get("elements", [])]
    if kind == "actions":
        buttons = [e for e in block.get("elements", []) if e.get("type") == "button"]
        lines = [" ".join(f"[{b['text']['text']}]" for b in buttons)]
        user = f" --user {args.user}" if args.user != "U0ALICE" else ""
        for b in buttons:
            value = shlex.quote(b.get("value", "{}"))
            lines.append(f"   {b['text']['text']}: python -m tests.support.send{user} --click {b['action_id']} {value}")
        return lines
    lines = [plain(block["text"]["text"])] if "text" in block else []
    lines += ["   " + " ".join(plain(f["text"]).split()) for f in block.get("fields", [])]
    return lines


_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")


def plain(mrkdwn: str) -> str:
    """Slack's markup as a terminal shows it: `<@U1>` → @U1, links → label (url), dates → their fallback."""

    def token(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + label.lstrip("@#") if label else target
        if target.startswith("!"):
            return label or "@" + target[1:].split("^")[0]
        return f"{label} ({target})" if label else target

    text = _TOKEN.sub(token, mrkdwn)
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


if __name__ == "__main__":
    raise SystemExit(main())
