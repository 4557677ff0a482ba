"""Run the fake standalone: ``python -m incidentbot.emulator --port 8099``, then point the bot at it with
``SLACK_API_URL=http://127.0.0.1:8099/api/`` and ``SLACK_BOT_TOKEN=xoxb-test``."""

from __future__ import annotations

import argparse
import threading

from .server import DEFAULT_TOKEN, FakeSlack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m incidentbot.emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099, help="0 picks a free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN, help="the bot token the fake accepts")
    parser.add_argument("--quiet", action="store_true", help="do not log each call to stderr")
    opts = parser.parse_args(argv)
    fake = FakeSlack(token=opts.token, host=opts.host, port=opts.port, verbose=not opts.quiet)
    fake.start()
    print(fake.url, flush=True)
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
