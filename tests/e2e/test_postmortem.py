"""The living postmortem end to end: a full outage (two handoffs, one declined; three updates, one late; an
escalation; resolve), then the document's sections, an edit that survives later timeline changes, the Slack
modal, the API and the reminder that names the unanswered questions."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from tests.support.harness import Harness, start_harness
from tests.support.record import FixedClock, click_with_trigger, dm_texts, resolve

T = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # Monday 09:00 UTC (10:00 in Paris)
CONFIG = {"timezone": "Europe/Paris"}


def run_outage(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")  # SEV2: updates every 30 min
    bot.reply("commander <@U0BOB> OUT-1")
    bot.pass_time(timedelta(minutes=1))
    bot.reply("decline OUT-1", user="U0BOB")
    bot.reply("commander <@U0CAROL> OUT-1")
    bot.pass_time(timedelta(minutes=3))
    bot.reply("ack OUT-1", user="U0CAROL")  # accepted 3 min after the request
    bot.pass_time(timedelta(minutes=16))
    bot.reply("update OUT-1 Card-router errors since the 08:40 deploy")  # +20, due +30: on time
    bot.pass_time(timedelta(minutes=10))
    bot.reply("sev 1 OUT-1", user="U0CAROL")  # +30: escalated, next due +35 (20 + 15)
    bot.pass_time(timedelta(minutes=15))
    bot.reply("update OUT-1 --status monitoring Rolled back")  # +45: late by 10 min
    bot.pass_time(timedelta(minutes=10))
    bot.reply("update OUT-1 Error rate back to normal")  # +55, due +60: on time
    bot.pass_time(timedelta(minutes=5))
    resolve(bot, 1, "Rolled back card-router 4.2", user="U0CAROL")  # +60


def sections(bot: Harness) -> dict[str, dict[str, object]]:
    return {s["key"]: s for s in bot.api("/api/incidents/OUT-1/postmortem").json()["sections"]}


def test_postmortem_document_follows_the_timeline_and_keeps_what_people_wrote(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=CONFIG,
                       clock=FixedClock(T)) as bot:
        run_outage(bot)
        doc = bot.api("/api/incidents/OUT-1/postmortem").json()
        assert doc["incident"]["id"] == "OUT-1"
        assert [s["title"] for s in doc["sections"]][:6] == [
            "Summary", "Impact and milestones", "People and roles", "Communication", "Timeline",
            "Who was involved, and who should have been?"]
        assert [s["key"] for s in doc["sections"]][-2:] == ["action-items", "root-cause"]
        got = sections(bot)
        assert "Resolution: Rolled back card-router 4.2" in str(got["summary"]["text"])
        impact = str(got["impact"]["text"])
        assert "- Declared: 2026-11-23 10:00 CET" in impact and "- Mitigated: 2026-11-23 10:45 CET" in impact
        assert "Time to detect 0s · to declare 0s · to mitigate 45m · to resolve 1h" in impact
        people = str(got["people"]["text"])  # by the names Slack sent with their commands (the harness: u0alice)
        assert "- commander: u0alice from 2026-11-23 10:00 CET to 2026-11-23 10:04 CET (4m)" in people
        assert "- commander: u0carol from 2026-11-23 10:04 CET to 2026-11-23 11:00 CET (56m)" in people
        assert "- communicator: u0alice from 2026-11-23 10:00 CET to 2026-11-23 11:00 CET (1h)" in people
        asked = "Handoff of commander to u0{} (asked by u0alice at 2026-11-23 10:0{} CET): {}"
        assert asked.format("bob", 0, "declined after 1m") in people
        assert asked.format("carol", 1, "accepted after 3m") in people
        communication = str(got["communication"]["text"])
        assert "Status updates: 3 posted, 2 on time, 1 late, 0 missed." in communication
        assert "late by 10m" in communication and "Longest silence: 25m." in communication
        assert "Company-channel posts: 4." in communication  # the escalation, two updates, the resolution
        assert "- due 2026-11-23 10:35 CET: late by 10m" in communication
        assert "2026-11-23 10:30 CET · u0carol · severity_changed" in str(got["timeline"]["text"])
        assert got["what-went-well"]["text"] == "" and got["what-went-well"]["edited"] is False

        # A person answers a question and corrects the summary; later facts do not overwrite them.
        put = bot.http.put("/api/incidents/OUT-1/postmortem/summary", json={"text": "Card auth failed for 1 h."},
                           headers={"Authorization": "Bearer test-api-token", "X-Incidentbot-User": "U0CAROL"})
        assert put.status_code == 200, put.text
        bot.http.put("/api/incidents/OUT-1/postmortem/action-items", json={"text": "None needed, we think."},
                     headers={"Authorization": "Bearer test-api-token"})
        bot.reply("set OUT-1 root-cause=bad config in 4.2 cause=deploy")
        bot.reply("action OUT-1 Canary card-router deploys --owner <@U0CAROL>")
        got = sections(bot)
        assert got["summary"]["text"] == "Card auth failed for 1 h." and got["summary"]["edited"] is True
        assert "newer_generated" not in got["summary"]  # its facts did not change since the edit
        assert "bad config in 4.2\nCause category: deploy" in str(got["root-cause"]["text"])
        assert got["action-items"]["text"] == "None needed, we think."  # kept; the new facts offered beside it
        assert "A-1: Canary card-router deploys · owner u0carol" in str(got["action-items"]["newer_generated"])
        markdown = bot.api("/api/incidents/OUT-1/postmortem").json()["markdown"]
        assert "None needed, we think.\n\n> Newer facts from the timeline" in markdown
        assert "action_added" in str(got["timeline"]["text"])

        # The Slack answer links the document, says what is empty, and its button opens the modal.
        answer = bot.reply("postmortem OUT-1")
        assert "Still empty (7)" in answer and "/incidents/OUT-1/postmortem|postmortem page" in answer
        response = click_with_trigger(bot, ids.EDIT_POSTMORTEM, {"incident": 1}, user="U0CAROL")
        assert response.status_code == 200
        def modals() -> list[Any]:
            return [v for v in bot.fake.views if v.view.get("callback_id") == ids.POSTMORTEM_MODAL]

        bot.wait(lambda: bool(modals()), what="the postmortem modal")  # opened after the click is acknowledged
        [modal] = modals()
        assert [b["block_id"] for b in modal.view["blocks"]] == ["summary", *answers_order(), "root-cause"]
        answers = {"what-went-well": "Rollback took 5 minutes.", "who-was-involved": "Alice, Bob, Carol."}
        values = {key: {key: {"type": "plain_text_input", "value": text}} for key, text in answers.items()}
        values["summary"] = {"summary": {"type": "plain_text_input", "value": "Card auth failed for 1 h."}}
        submitted = bot.submit(ids.POSTMORTEM_MODAL, values, user="U0CAROL", private_metadata="1")
        assert submitted.status_code == 200
        got = sections(bot)
        assert got["what-went-well"]["text"] == "Rollback took 5 minutes." and got["who-was-involved"]["edited"]
        bot.reply("note OUT-1 Vendor confirmed the bad config")  # a later change to the timeline
        assert sections(bot)["what-went-well"]["text"] == "Rollback took 5 minutes."

        # The reminder (2 working days: Wednesday) names the five still unanswered, with the button.
        bot.pass_time(timedelta(days=2))
        [reminder] = dm_texts(bot, "U0CAROL", "postmortem is due")
        assert "Still unanswered (5)" in reminder and "What could have gone better?" in reminder
        assert "What went well?" not in reminder and ids.EDIT_POSTMORTEM in reminder

        # Bad edits: unknown incident 404; bad key or body 400; nothing written.
        auth = {"Authorization": "Bearer test-api-token"}
        missing = bot.http.put("/api/incidents/OUT-9/postmortem/summary", json={"text": "x"}, headers=auth)
        assert missing.status_code == 404 and "OUT-9" in missing.json()["error"]
        bad_key = bot.http.put("/api/incidents/OUT-1/postmortem/colour", json={"text": "x"}, headers=auth)
        assert bad_key.status_code == 400 and "what-went-well" in bad_key.json()["error"]
        for body in ({"txt": "x"}, {"text": 5}, ["x"]):
            assert bot.http.put("/api/incidents/OUT-1/postmortem/summary", json=body, headers=auth).status_code == 400
        assert sections(bot)["summary"]["text"] == "Card auth failed for 1 h."
        assert "# Postmortem: OUT-1" in bot.api("/api/incidents/OUT-1/postmortem").json()["markdown"]


def test_no_reminder_once_every_question_has_an_answer(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=CONFIG,
                       clock=FixedClock(T)) as bot:
        bot.reply("declare --division payments --sev 3 Card auth down")
        resolve(bot, 1)
        keys = [s["key"] for s in bot.api("/api/incidents/OUT-1/postmortem").json()["sections"]]
        auth = {"Authorization": "Bearer test-api-token"}
        for key in keys[5:12]:
            assert bot.http.put(f"/api/incidents/OUT-1/postmortem/{key}", json={"text": "Answered."},
                                headers=auth).status_code == 200
        assert "Every question has an answer." in bot.reply("postmortem OUT-1")
        bot.pass_time(timedelta(days=3))
        assert dm_texts(bot, "U0ALICE", "postmortem is due") == []


def answers_order() -> list[str]:
    from incidentbot.domain.postmortem import QUESTIONS

    return [key for key, _ in QUESTIONS]
