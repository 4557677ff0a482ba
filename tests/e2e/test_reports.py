"""Reporting a problem: answered in time, escalated when nobody answers, declared from; the bad input."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from incidentbot.store.tables import reports
from tests.e2e.test_declare import form
from tests.support import slack_requests as sr
from tests.support.harness import Harness, start_harness


def text_of(message: Any) -> str:
    return (getattr(message, "text", "") or "") + json.dumps(getattr(message, "blocks", None) or [])


def triage_post(bot: Harness) -> Any:
    posts = [m for m in bot.fake.messages("company-outage") if "Problem reported" in text_of(m)]
    assert len(posts) == 1, posts
    return posts[0]


def report_row(bot: Harness) -> dict[str, Any]:
    with bot.bot.db.read_engine.connect() as conn:
        return dict(conn.execute(select(reports)).mappings().one())


def modal(bot: Harness, callback_id: str) -> Any:
    """The modal the bot opened (listeners run after Slack's request is acknowledged: wait for it)."""

    def opened() -> list[Any]:
        return [v for v in bot.fake.views if v.kind == "modal" and v.view.get("callback_id") == callback_id]

    bot.wait(lambda: bool(opened()), what=f"the {callback_id} modal")
    return opened()[-1]


@pytest.fixture
def escalating(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[Harness]:
    fake_slack.add_usergroup("S0ONCALL", ["U0CAROL", "U0DAVE"])
    config = {"responders": ["U0DAVE", "S0ONCALL"], "report_response": "15m"}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as harness:
        yield harness


def test_a_report_answered_in_time_tells_the_reporter_and_is_never_escalated(bot: Harness) -> None:
    said = bot.reply("report Checkout returns 500 for everyone", user="U0BOB", channel="random")
    assert "R-1" in said and "#company-outage" in said and "15 minutes" in said
    bot.delivered()
    post = triage_post(bot)
    assert "Checkout returns 500" in text_of(post) and ids.DECLARE_FROM_REPORT in text_of(post)

    bot.click_in(ids.DISMISS_REPORT, {"report": 1}, user="U0CAROL", channel_id=post.channel, message_ts=post.ts)
    asked = modal(bot, ids.DISMISS_MODAL)
    values = {ids.REASON_BLOCK: {ids.REASON_ACTION: {"type": "plain_text_input", "value": "Planned maintenance"}}}
    bot.clock.advance(timedelta(minutes=4))
    response = bot.submit(ids.DISMISS_MODAL, values, user="U0CAROL", private_metadata=asked.view["private_metadata"])
    assert response.status_code == 200 and not response.content
    bot.delivered()

    told = bot.fake.dms("U0BOB")
    assert len(told) == 1 and "<@U0CAROL>" in text_of(told[0]) and "Planned maintenance" in text_of(told[0])
    updated = triage_post(bot)
    assert "not an outage" in text_of(updated) and ids.DECLARE_FROM_REPORT not in text_of(updated)
    row = report_row(bot)
    assert row["state"] == "dismissed" and row["answered_by"] == "U0CAROL"
    assert timedelta(minutes=4) <= row["answered_at"] - row["reported_at"] < timedelta(minutes=5)  # time to respond

    bot.pass_time(timedelta(minutes=20))
    assert bot.fake.replies("company-outage", post.ts) == [] and report_row(bot)["escalated_at"] is None
    # A second answer to the same report is refused, and changes nothing.
    url = bot.click_in(ids.DISMISS_REPORT, {"report": 1}, user="U0DAVE", channel_id=post.channel, message_ts=post.ts)
    bot.wait(lambda: "already answered" in json.dumps(bot.fake.responses[url]), what="the refusal")


def test_an_unanswered_report_is_escalated_once_to_people_and_groups(escalating: Harness) -> None:
    bot = escalating
    bot.reply("report Search is empty", user="U0BOB")
    bot.pass_time(timedelta(minutes=14))
    post = triage_post(bot)
    assert bot.fake.replies("company-outage", post.ts) == []
    bot.pass_time(timedelta(minutes=2))
    bot.wait(lambda: len(bot.fake.dms("U0CAROL")) == 1, what="the group's members to be DMed")
    bot.delivered()
    thread = bot.fake.replies("company-outage", post.ts)
    assert len(thread) == 1 and "Escalated" in text_of(thread[0]) and "<@U0DAVE>" in text_of(thread[0])
    # Dave is named himself and is in the group too: told once, like Carol.
    assert [len(bot.fake.dms(u)) for u in ("U0DAVE", "U0CAROL")] == [1, 1]
    assert all("Search is empty" in text_of(m) for m in bot.fake.dms("U0DAVE") + bot.fake.dms("U0CAROL"))
    assert len(bot.fake.calls_to("usergroups.users.list")) == 1
    before = len(bot.fake.dms("U0DAVE"))
    bot.pass_time(timedelta(hours=1))
    assert len(bot.fake.replies("company-outage", post.ts)) == 1 and len(bot.fake.dms("U0DAVE")) == before
    assert report_row(bot)["escalated_at"] is not None and report_row(bot)["state"] == "open"


def test_declaring_from_a_report_links_it_on_the_timeline(bot: Harness) -> None:
    bot.reply("report Payments time out", user="U0BOB")
    bot.delivered()
    post = triage_post(bot)
    bot.click_in(ids.DECLARE_FROM_REPORT, {"report": 1}, user="U0ALICE", channel_id=post.channel, message_ts=post.ts)
    opened = modal(bot, ids.DECLARE_MODAL)
    summary = opened.view["blocks"][0]["element"]
    assert summary["initial_value"] == "Payments time out"
    response = bot.submit(ids.DECLARE_MODAL, form("Payments time out", "payments"), user="U0ALICE",
                          private_metadata=opened.view["private_metadata"])
    assert response.status_code == 200, response.text
    bot.delivered()

    timeline = bot.api("/api/incidents/OUT-1").json()["timeline"]
    linked = [e for e in timeline if e["kind"] == "report_linked"]
    assert len(linked) == 1 and "R-1" in linked[0]["text"] and "U0BOB" in linked[0]["text"]
    told = bot.fake.dms("U0BOB")
    assert len(told) == 1 and "OUT-1" in text_of(told[0]) and "<@U0ALICE>" in text_of(told[0])
    assert "declared as OUT-1" in text_of(triage_post(bot))
    assert report_row(bot)["incident_number"] == 1
    bot.pass_time(timedelta(minutes=20))
    assert bot.fake.replies("company-outage", post.ts) == []


def test_the_report_shortcut_opens_a_form_and_an_empty_report_is_refused(bot: Harness) -> None:
    refused = bot.reply("report", user="U0BOB")
    assert "needs a few words" in refused and "/outage report" in refused
    trigger = bot.fake.new_trigger_id("U0BOB")
    assert bot.post_signed(sr.shortcut(ids.REPORT_SHORTCUT, user="U0BOB", trigger_id=trigger)).status_code == 200
    modal(bot, ids.REPORT_MODAL)
    empty = {ids.REPORT_BLOCK: {ids.REPORT_ACTION: {"type": "plain_text_input", "value": "  "}}}
    answer = bot.submit(ids.REPORT_MODAL, empty, user="U0BOB").json()
    assert answer["response_action"] == "errors" and ids.REPORT_BLOCK in answer["errors"]
    assert report_count(bot) == 0
    filled = {ids.REPORT_BLOCK: {ids.REPORT_ACTION: {"type": "plain_text_input", "value": "VPN drops"}}}
    answer = bot.submit(ids.REPORT_MODAL, filled, user="U0BOB").json()
    assert answer["response_action"] == "update" and "R-1" in json.dumps(answer["view"])
    bot.delivered()
    assert "VPN drops" in text_of(triage_post(bot))


def report_count(bot: Harness) -> int:
    with bot.bot.db.read_engine.connect() as conn:
        return len(conn.execute(select(reports.c.id)).all())


def test_reports_count_in_the_service_quality_record_as_time_to_respond(escalating: Harness) -> None:
    bot = escalating
    bot.reply("report Checkout returns 500", user="U0BOB")
    bot.reply("report Search is empty", user="U0CAROL")
    bot.delivered()
    first = next(m for m in bot.fake.messages("company-outage") if "Checkout returns 500" in text_of(m))
    bot.clock.advance(timedelta(minutes=6))
    bot.click_in(ids.DISMISS_REPORT, {"report": 1}, user="U0DAVE", channel_id=first.channel, message_ts=first.ts)
    asked = modal(bot, ids.DISMISS_MODAL)
    values = {ids.REASON_BLOCK: {ids.REASON_ACTION: {"type": "plain_text_input", "value": "Known, fixed"}}}
    bot.submit(ids.DISMISS_MODAL, values, user="U0DAVE", private_metadata=asked.view["private_metadata"])
    bot.pass_time(timedelta(minutes=10))  # the second report is never answered: escalated
    bot.wait(lambda: report_rows(bot)[1]["escalated_at"] is not None, what="the escalation")

    record = bot.api("/api/stats?days=30").json()
    assert record["incidents"] == 0 and record["actions"] == {"open": 0, "overdue": 0}  # the contract's fields
    answered = report_rows(bot)[0]
    waited = (answered["answered_at"] - answered["reported_at"]).total_seconds()
    assert 360 <= waited < 420
    assert record["reports"] == {"count": 2, "waiting": 1, "escalated": 1, "respond_median_s": waited,
                                 "respond_p90_s": waited}  # fmt: skip
    answer = bot.reply("stats --days 30")
    assert "Reports answered in" in answer and "2 reported, 1 escalated, 1 waiting" in answer
    # Filtered by division, only the reports declared into that division's outages count: none here.
    assert "0 reported, 0 escalated, 0 waiting" in bot.reply("stats --days 30 --division payments")


def report_rows(bot: Harness) -> list[dict[str, Any]]:
    with bot.bot.db.read_engine.connect() as conn:
        return [dict(r) for r in conn.execute(select(reports).order_by(reports.c.id)).mappings()]
