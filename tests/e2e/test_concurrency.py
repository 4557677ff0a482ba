"""Many requests at once, and the same request more than once: each outage once, each action once."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from sqlalchemy import func, select

from incidentbot.messages import ids
from incidentbot.store.tables import incidents, outbox, timeline_events
from tests.support import slack_requests as sr
from tests.support.harness import Harness

DECLARATIONS = 20


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Run `work(0..count-1)` on `count` threads released together."""
    start = threading.Barrier(count)

    def run(n: int) -> Any:
        start.wait()
        return work(n)

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def rows(bot: Harness, table: Any) -> int:
    with bot.bot.db.read_engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def shown(message: Any) -> str:
    return json.dumps(getattr(message, "blocks", None) or []) + (getattr(message, "text", "") or "")


def answer(bot: Harness, url_id: str) -> list[dict[str, Any]]:
    return bot.fake.wait_for(lambda: bot.fake.responses[url_id])


def test_twenty_simultaneous_declarations_get_twenty_ids_and_twenty_threads(bot: Harness) -> None:
    users = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]

    def declare(n: int) -> str:
        division = "payments" if n % 2 else "search"
        return bot.reply(f"declare --division {division} --sev {n % 4 + 1} Outage number {n}", user=users[n % 4])

    replies = at_once(DECLARATIONS, declare)
    declared = [re.search(r"OUT-(\d+) declared", reply) for reply in replies]
    assert all(declared), replies
    numbers = sorted(int(m.group(1)) for m in declared if m)
    assert numbers == list(range(1, DECLARATIONS + 1))

    bot.delivered(timeout=30)
    api = bot.api("/api/incidents?limit=100").json()["incidents"]
    assert len(api) == DECLARATIONS
    summaries = {i["summary"] for i in api}
    assert summaries == {f"Outage number {n}" for n in range(DECLARATIONS)}  # each declaration, once
    roots = [*bot.fake.messages("payments-outage"), *bot.fake.messages("search-outage")]
    assert len(roots) == DECLARATIONS
    threads = {(i["channel_id"], i["thread_ts"]) for i in api}
    assert len(threads) == DECLARATIONS and None not in {ts for _, ts in threads}
    for incident in api:  # every thread's root names its own incident
        [root] = [m for m in roots if m.ts == incident["thread_ts"]]
        assert incident["id"] in shown(root) and incident["summary"] in shown(root)
    # One channel per division, however many declarations raced to create it.
    assert len(bot.fake.calls_to("conversations.create")) >= 2
    assert {c.name for c in map(bot.fake.channel, ["payments-outage", "search-outage"]) if c} == {
        "payments-outage", "search-outage"}  # fmt: skip
    assert bot.fake.channel("payments-outage-2") is None and bot.fake.channel("search-outage-2") is None


def test_a_request_slack_sends_again_is_processed_once(bot: Harness) -> None:
    body = sr.slash_command("declare --division payments Card auth down", user="U0ALICE", channel_id="C0GENERAL",
                            channel_name="general", response_url=bot.fake.new_response_url())  # fmt: skip
    first = bot.post_signed(body)
    assert first.status_code == 200 and "OUT-1 declared" in first.text
    for retry in ("1", "2"):
        headers = {**sr.sign(body), "X-Slack-Retry-Num": retry, "X-Slack-Retry-Reason": "http_timeout"}
        again = bot.http.post("/slack/events", content=body, headers=headers)
        assert again.status_code == 200 and "declared" not in again.text
    assert rows(bot, incidents) == 1


def test_the_same_request_twice_at_the_same_moment_is_processed_once(bot: Harness) -> None:
    body = sr.slash_command("declare --division payments Card auth down", user="U0ALICE", channel_id="C0GENERAL",
                            channel_name="general", response_url=bot.fake.new_response_url())  # fmt: skip
    responses = at_once(4, lambda _: bot.post_signed(body))
    assert [r.status_code for r in responses] == [200] * 4
    assert sum("declared" in r.text for r in responses) == 1
    assert rows(bot, incidents) == 1


def test_an_event_retried_by_slack_is_acknowledged_once_and_for_all(bot: Harness) -> None:
    mention = {"type": "app_mention", "user": "U0BOB", "text": "hi", "channel": "C0GENERAL", "ts": "1700000000.000100"}
    event = json.dumps({"type": "event_callback", "team_id": sr.TEAM, "api_app_id": "A_TEST", "event_id": "Ev0001",
                        "event_time": 1700000000, "event": mention})  # fmt: skip
    headers = {**sr.sign(event), "Content-Type": "application/json"}
    assert bot.http.post("/slack/events", content=event, headers=headers).status_code == 200
    retried = {**sr.sign(event), "Content-Type": "application/json", "X-Slack-Retry-Num": "1"}
    assert bot.http.post("/slack/events", content=event, headers=retried).status_code == 200
    challenge = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    answer = bot.http.post("/slack/events", content=challenge, headers={**sr.sign(challenge),
                                                                        "Content-Type": "application/json"})
    assert answer.status_code == 200 and "c-123" in answer.text


def test_double_clicks_resolve_once(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card auth down")
    value = {"incident": 1, "summary": "Rolled back"}
    clicks = at_once(3, lambda _: bot.click(ids.CONFIRM_RESOLVE, value, user="U0ALICE"))
    assert all(response.status_code == 200 for response, _ in clicks)
    # Each click's answer replaces its message through response_url, after the ack.
    said = [json.dumps(answer(bot, url_id)) for _, url_id in clicks]
    assert sum("is resolved" in text for text in said) == 1
    assert sum("already resolved" in text for text in said) == 2
    bot.delivered()
    kinds = Counter(e["kind"] for e in bot.api("/api/incidents/OUT-1").json()["timeline"])
    assert kinds["resolved"] == 1
    root = bot.fake.messages("payments-outage")[0]
    assert sum("resolved" in shown(m) for m in bot.fake.replies("payments-outage", root.ts)) == 1


def test_double_clicked_accept_hands_the_role_over_once(bot: Harness) -> None:
    bot.reply("declare --division payments --commander <@U0BOB> Card auth down")
    clicks = at_once(2, lambda _: bot.click(ids.ACCEPT_HANDOFF, {"incident": 1, "role": "commander"}, user="U0BOB"))
    assert all(response.status_code == 200 for response, _ in clicks)
    incident = bot.api("/api/incidents/OUT-1").json()
    assert incident["commander"] == "U0BOB"
    assert [h["role"] for h in incident["pending_handoffs"]] == ["communicator"]  # named by default, not clicked
    assert Counter(e["kind"] for e in incident["timeline"])["handoff_accepted"] == 1


def test_a_form_submitted_twice_at_once_declares_once(bot: Harness) -> None:
    values = {
        ids.SUMMARY_BLOCK: {ids.SUMMARY_ACTION: {"type": "plain_text_input", "value": "Login fails"}},
        ids.DIVISION_BLOCK: {ids.DIVISION_ACTION: {"type": "plain_text_input", "value": "identity"}},
    }
    responses = at_once(3, lambda _: bot.submit(ids.DECLARE_MODAL, values, view_id="V_SAME"))
    assert [r.status_code for r in responses] == [200] * 3
    assert sorted(r.json()["response_action"] for r in responses) == ["errors", "errors", "update"]
    assert rows(bot, incidents) == 1
    before = (rows(bot, timeline_events), rows(bot, outbox))
    assert bot.submit(ids.DECLARE_MODAL, values, view_id="V_SAME").json()["response_action"] == "errors"
    assert (rows(bot, timeline_events), rows(bot, outbox)) == before
