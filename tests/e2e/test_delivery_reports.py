"""What the outbox worker writes when a post cannot be delivered is about the incident as configured: its
id carries the configured prefix, like everything else the bot says."""

from __future__ import annotations

from pathlib import Path

from tests.fakeslack import FakeSlack
from tests.support.harness import start_harness
from tests.support.slack_reading import shown


def test_a_post_given_up_on_is_reported_under_the_configured_id_prefix(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config={"id_prefix": "INC"},
                       retry_base=0.05, retry_cap=0.3) as bot:  # fmt: skip
        assert "INC-1 declared" in bot.reply("declare --division payments --sev 2 Card auth down", user="U0BOB")
        bot.delivered()
        bot.fake.error("chat.postMessage", "restricted_action", times=1)
        assert "Update posted" in bot.reply("update INC-1 This update is refused", user="U0CAROL")
        bot.wait(lambda: bot.outbox_counts()["pending"] == 0, what="outbox to settle")

        [notice] = [shown(m) for m in bot.fake.dms("U0BOB") if "could not deliver" in shown(m)]
        assert "INC-1" in notice and "OUT-" not in notice
        root = bot.fake.messages("payments-outage")[0]
        thread = [shown(m) for m in bot.fake.replies("payments-outage", root.ts)]
        [in_thread] = [text for text in thread if "could not deliver" in text]
        assert "INC-1" in in_thread and "OUT-" not in in_thread
        timeline = bot.api("/api/incidents/INC-1").json()["timeline"]
        [failed] = [e for e in timeline if e["kind"] == "delivery_failed"]
        assert "restricted_action" in failed["text"]
