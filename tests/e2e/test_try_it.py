"""The README's "Try it without Slack": `tests.support.send` against a real `incidentbot serve` and the fake Slack."""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack
from tests.support import send
from tests.support import slack_requests as sr
from tests.support.process import ServeProcess, free_port

README = Path(__file__).resolve().parents[2] / "README.md"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = send.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_send_says_plainly_when_no_bot_answers(capsys: pytest.CaptureFixture[str]) -> None:
    url = f"http://127.0.0.1:{free_port()}/slack/events"
    code, out, err = run(capsys, "list", "--url", url, "--wait", "0.5")
    assert code == 2 and out == ""
    assert "No answer from incidentbot at" in err and "/healthz after 0.5 s" in err and "Traceback" not in err


@pytest.mark.slow
def test_send_waits_for_the_bot_shows_blocks_and_clicks_through_the_fake(
    fake_slack: FakeSlack, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    server = ServeProcess(database_url=f"sqlite:///{tmp_path}/bot.db", slack_api_url=fake_slack.url,
                          workdir=tmp_path)
    where = ["--url", f"{server.url}/slack/events", "--slack", fake_slack.url, "--secret", sr.SIGNING_SECRET]
    with ThreadPoolExecutor(1) as pool:
        # Sent before the server starts, as the README's block does: it waits instead of failing.
        first = pool.submit(send.main, ["declare --division payments --sev 2 Checkout is down", *where, "--wait", "60"])
        with server:
            assert first.result(timeout=90) == 0
            assert "OUT-1 declared (SEV2, payments)" in capsys.readouterr().out

            code, out, _ = run(capsys, "status OUT-1", *where)
            assert code == 0 and "== 🟠 OUT-1 · SEV2 · investigating ==" in out
            assert "*Commander* @U0ALICE" in out and "Incident page (http://" in out

            code, out, _ = run(capsys, "resolve OUT-1 Rolled back the deploy", *where)
            assert code == 0 and "[Confirm] [Keep open]" in out
            [click] = [line for line in out.splitlines() if line.strip().startswith("Confirm: python -m")]
            argv = shlex.split(click.split(": ", 1)[1])[3:]  # after `python -m tests.support.send`
            code, out, _ = run(capsys, *argv, *where)
            assert code == 0 and "OUT-1 is resolved." in out
            assert server.api("/api/incidents/OUT-1").json()["status"] == "resolved"
            assert any("OUT-1 is resolved" in r.get("text", "") for r in fake_slack.all_responses())
    assert not fake_slack.rejected


def test_readable_shows_slack_markup_as_a_terminal_would() -> None:
    assert send.plain("<@U1> and <@U2|bob> in <#C1|ops>: <https://x.example|the page> &lt;b&gt; &amp;") == (
        "@U1 and @bob in #ops: the page (https://x.example) <b> &"
    )
    assert send.plain("due <!date^1714557600^{time}|2024-05-01 10:00 UTC>") == "due 2024-05-01 10:00 UTC"


@pytest.mark.slow
def test_the_readme_try_it_block_works_when_pasted_into_a_shell(tmp_path: Path) -> None:
    """The block as written, on free ports (8099 and 3000 may be taken) and with this test's Python."""
    text = README.read_text(encoding="utf-8")
    block = text[text.index("## Try it without Slack, from a shell") :].split("```sh\n")[1].split("```")[0]
    fake_port, bot_port = free_port(), free_port()
    script = (block.replace(".venv/bin/python", shlex.quote(sys.executable))
              .replace(".venv/bin/incidentbot", f"{shlex.quote(sys.executable)} -m incidentbot")
              .replace("8099", str(fake_port)).replace("3000", str(bot_port)))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "INCIDENTBOT_", "DATABASE_URL"))}
    env["INCIDENTBOT_URL"] = f"http://127.0.0.1:{bot_port}"
    shell = subprocess.Popen(["bash", "-c", script], cwd=README.parent, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = shell.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(shell.pid, signal.SIGTERM)
    assert shell.returncode == 0, err
    assert "OUT-1 declared (SEV2, payments)" in out and "Update posted to OUT-1." in out
    assert "[Confirm] [Keep open]" in out and "OUT-1 is resolved." in out
    assert '"status":"resolved"' in out and "Traceback" not in out + err
