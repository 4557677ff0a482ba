"""Run the emulator standalone: ``python -m incidentbot.emulator --port 8099``, then point the bot at it with
``SLACK_API_URL=http://127.0.0.1:8099/api/`` and ``SLACK_BOT_TOKEN=xoxb-test``. With ``--request-url`` and
``--signing-secret`` (the bot's) its page at http://127.0.0.1:8099/ sends commands and clicks to that bot.
``incidentbot playground`` does all of this in one command."""

from __future__ import annotations

import argparse
import threading

from .server import DEFAULT_TOKEN
from .ui import SlackEmulator


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m incidentbot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token the fake accepts")
    parser.add_argument("--quiet", action="store_true", help="do not log each call to stderr")
    parser.add_argument("--request-url", help="the app's request URL, e.g. http://127.0.0.1:3000/slack/events")
    parser.add_argument("--signing-secret", default="", help="the app's signing secret (with --request-url)")
    opts = parser.parse_args(argv)
    fake = SlackEmulator(token=opts.token, host=opts.host, port=opts.port, verbose=not opts.quiet)
    fake.start()
    print(fake.url, flush=True)
    if opts.request_url:
        fake.connect(opts.request_url, opts.signing_secret)
        print(f"page: {fake.base_url}/ (commands and clicks go to {opts.request_url})", flush=True)
    print(f"token: {opts.token}; example trigger_id: {fake.new_trigger_id()}; Ctrl-C stops", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        fake.stop()
        rejected = fake.rejected
        if rejected:
            print(f"{len(rejected)} rejected call(s):")
            for r in rejected:
                print(f"  {r.method}: {r.error} ({r.detail})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
