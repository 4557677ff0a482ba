"""What the outbox worker writes when a post cannot be delivered is about the incident as configured: its
id carries the configured prefix, like everything else the bot says."""

from __future__ import annotations

from pathlib import Path

from incidentbot.emulator import FakeSlack
from tests.support.databases import SqliteTemplates
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


def test_a_notice_that_cannot_be_delivered_either_is_not_reported_again(
    sqlite_templates: SqliteTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with sqlite_templates.clone(tmp_path) as url, start_harness(database_url=url, fake=fake_slack, tmp_path=tmp_path,
                                                                retry_base=0.05, retry_cap=0.3) as bot:  # fmt: skip
        bot.reply("declare --division payments --sev 2 Card auth down", user="U0BOB")
        bot.delivered()
        bot.fake.error("chat.postMessage", "restricted_action", times=2)  # the update, then the DM telling of it
        bot.reply("update OUT-1 This update is refused", user="U0CAROL")
        bot.wait(lambda: bot.outbox_counts()["pending"] == 0, what="outbox to settle")

        assert not [m for m in bot.fake.dms("U0BOB") if "could not deliver" in shown(m)]
        root = bot.fake.messages("payments-outage")[0]
        told = [m for m in bot.fake.replies("payments-outage", root.ts) if "could not deliver" in shown(m)]
        assert len(told) == 1, "the thread is told once, and the notice's own failure is not reported"
        timeline = bot.api("/api/incidents/OUT-1").json()["timeline"]
        assert len([e for e in timeline if e["kind"] == "delivery_failed"]) == 2
        assert bot.outbox_counts()["failed"] == 2


def test_when_the_root_message_fails_the_posts_for_its_thread_fail_without_more_notices(
    sqlite_templates: SqliteTemplates, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with sqlite_templates.clone(tmp_path) as url, start_harness(database_url=url, fake=fake_slack, tmp_path=tmp_path,
                                                                retry_base=0.05, retry_cap=0.3) as bot:  # fmt: skip
        bot.fake.error("chat.postMessage", "restricted_action", times=1)  # the root message
        bot.reply("declare --division payments --sev 2 Card auth down", user="U0BOB")
        bot.reply("update OUT-1 Rolling back", user="U0BOB")
        bot.wait(lambda: bot.outbox_counts()["pending"] == 0, what="outbox to settle")

        assert bot.fake.messages("payments-outage") == []
        [notice] = [shown(m) for m in bot.fake.dms("U0BOB") if "could not deliver" in shown(m)]
        assert "root message" in notice
        timeline = bot.api("/api/incidents/OUT-1").json()["timeline"]
        failures = [e["text"] for e in timeline if e["kind"] == "delivery_failed"]
        assert len(failures) >= 2 and any("nowhere to go" in text for text in failures)
