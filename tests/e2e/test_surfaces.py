"""App Home, messages pinned onto the timeline, and unfurled incident links: driven by signed events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from incidentbot.messages import ids
from incidentbot.service import pins
from incidentbot.service.home import HOME, YOURS_SHOWN
from incidentbot.store.tables import outbox
from tests.support import slack_requests as sr
from tests.support.harness import Harness
from tests.support.statements import statements


def home_of(bot: Harness, user: str) -> str:
    """The Home tab `user` sees on opening it: the one published in answer to `app_home_opened`."""
    bot.delivered()  # Home tabs queued by earlier commands are out first

    def publishes() -> list[Any]:
        return [c for c in bot.fake.calls_to("views.publish") if c.args.get("user_id") == user]

    before = len(publishes())
    bot.event({"type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home",
               "event_ts": "1700000000.000200"})  # fmt: skip
    bot.wait(lambda: len(publishes()) > before, what=f"{user}'s Home tab")
    [view] = [v for v in bot.fake.views if v.kind == "home" and v.user == user]
    return json.dumps(view.view, ensure_ascii=False)


def pin_event(kind: str, *, user: str, channel: str, ts: str, author: str) -> dict[str, Any]:
    return {"type": kind, "user": user, "reaction": "pushpin", "item_user": author,
            "item": {"type": "message", "channel": channel, "ts": ts}, "event_ts": "1700000000.000300"}  # fmt: skip


def timeline(bot: Harness, ref: str = "OUT-1") -> list[dict[str, Any]]:
    return list(bot.api(f"/api/incidents/{ref}").json()["timeline"])


def declared_thread(bot: Harness, command: str) -> Any:
    bot.reply(command)
    bot.delivered()
    return bot.fake.messages("payments-outage")[-1]


def test_the_home_tab_answers_what_each_person_has_to_do(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments fail")
    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()

    commander = home_of(bot, "U0ALICE")
    assert "You are the *commander and communicator* of" in commander and "OUT-1" in commander
    assert ids.HOME_DECLARE in commander and ids.HOME_REPORT in commander and "Card payments fail" in commander
    asked = home_of(bot, "U0BOB")
    assert "asks you to take over as *commander*" in asked
    assert ids.ACCEPT_HANDOFF in asked and ids.DECLINE_HANDOFF in asked
    bystander = home_of(bot, "U0CAROL")
    assert "Nothing is waiting for you." in bystander and "OUT-1" in bystander and ids.ACCEPT_HANDOFF not in bystander


def test_a_pinned_message_goes_on_the_timeline_once_with_its_author_and_time(bot: Harness) -> None:
    root = declared_thread(bot, "declare --division payments Refunds are slow")
    ts = bot.fake.post_as_user("payments-outage", "U0CAROL", "The refund queue has 40k messages",
                               thread_ts=root.ts)  # fmt: skip
    written = datetime.fromtimestamp(float(ts), tz=UTC).isoformat(timespec="seconds")
    for _ in range(2):  # pinned twice (two people, or a retried event): one timeline entry
        bot.event(pin_event("reaction_added", user="U0DAVE", channel=root.channel, ts=ts, author="U0CAROL"))
    bot.wait(lambda: any(e["kind"] == "message_pinned" for e in timeline(bot)), what="the pin")
    bot.event(pin_event("reaction_removed", user="U0DAVE", channel=root.channel, ts=ts, author="U0CAROL"))
    bot.wait(lambda: any(e["kind"] == "message_unpinned" for e in timeline(bot)), what="the unpin")

    events = timeline(bot)
    pinned = [e for e in events if e["kind"] == "message_pinned"]
    assert len(pinned) == 1
    assert pinned[0]["at"].startswith(written[:19]) and "U0CAROL" in pinned[0]["text"]
    assert "40k messages" in pinned[0]["text"] and "https://fake.slack/archives/" in pinned[0]["text"]
    assert pinned[0]["actor"] == "U0DAVE"
    unpinned = [e for e in events if e["kind"] == "message_unpinned"]
    assert len(unpinned) == 1 and "stays on the record" in unpinned[0]["text"]
    # Other reactions are nobody's business.
    other = pin_event("reaction_added", user="U0DAVE", channel=root.channel, ts=ts, author="U0CAROL")
    bot.event({**other, "reaction": "eyes"})
    assert len(timeline(bot)) == len(events)


def test_a_pin_in_a_channel_with_two_open_outages_asks_which(bot: Harness) -> None:
    first = declared_thread(bot, "declare --division payments Refunds are slow")
    declared_thread(bot, "declare --division payments Receipts are late")
    bot.fake.add_member("payments-outage", "U0CAROL")
    ts = bot.fake.post_as_user("payments-outage", "U0CAROL", "Mail provider is throttling us")
    bot.event(pin_event("reaction_added", user="U0CAROL", channel=first.channel, ts=ts, author="U0CAROL"))
    bot.wait(lambda: any("Which timeline" in json.dumps(e.blocks) for e in bot.fake.ephemerals), what="question")
    question = next(e for e in bot.fake.ephemerals if "Which timeline" in json.dumps(e.blocks))
    assert question.user == "U0CAROL" and "OUT-1" in json.dumps(question.blocks) and "OUT-2" in json.dumps(
        question.blocks)
    assert not [e for e in timeline(bot, "OUT-2") if e["kind"] == "message_pinned"]

    value = {"incident": 2, "channel": first.channel, "ts": ts, "author": "U0CAROL"}
    url = bot.click_in(ids.PIN_TO_INCIDENT, value, user="U0CAROL", channel_id=first.channel, message_ts=ts)
    bot.wait(lambda: "Added to OUT-2" in json.dumps(bot.fake.responses[url]), what="the answer")
    assert [e["kind"] for e in timeline(bot, "OUT-2")].count("message_pinned") == 1
    assert "Mail provider" in next(e["text"] for e in timeline(bot, "OUT-2") if e["kind"] == "message_pinned")
    assert not [e for e in timeline(bot, "OUT-1") if e["kind"] == "message_pinned"]


def test_the_message_shortcut_adds_a_message_or_says_why_it_cannot(bot: Harness) -> None:
    root = declared_thread(bot, "declare --division payments Refunds are slow")
    ts = bot.fake.post_as_user("payments-outage", "U0BOB", "Rolled back deploy 1234", thread_ts=root.ts)
    url = bot.fake.new_response_url()
    message = {"ts": ts, "user": "U0BOB", "text": "Rolled back deploy 1234"}
    body = sr.message_action(ids.PIN_SHORTCUT, user="U0ALICE", channel_id=root.channel, message=message,
                             response_url=url, trigger_id=bot.fake.new_trigger_id("U0ALICE"))
    assert bot.post_signed(body).status_code == 200
    rid = url.rsplit("/", 1)[1]
    bot.wait(lambda: "Added to OUT-1" in json.dumps(bot.fake.responses[rid]), what="the answer")
    assert "Rolled back deploy 1234" in next(e["text"] for e in timeline(bot) if e["kind"] == "message_pinned")

    secret = bot.fake.create_channel("exec-private", private=True, members=["U0ALICE"])
    hidden = bot.fake.post_as_user("exec-private", "U0ALICE", "Do not tell anyone")
    url = bot.fake.new_response_url()
    body = sr.message_action(ids.PIN_SHORTCUT, user="U0ALICE", channel_id=secret.id, response_url=url,
                             message={"ts": hidden, "user": "U0ALICE", "text": "Do not tell anyone"},
                             trigger_id=bot.fake.new_trigger_id("U0ALICE"))
    assert bot.post_signed(body).status_code == 200
    rid = url.rsplit("/", 1)[1]
    bot.wait(lambda: "cannot read that channel" in json.dumps(bot.fake.responses[rid]), what="the refusal")
    assert [e["kind"] for e in timeline(bot)].count("message_pinned") == 1


def test_an_incident_link_unfurls_into_a_status_card(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments fail")
    bot.reply("update OUT-1 Failing over to the standby acquirer", channel="general")
    bot.delivered()
    bot.fake.create_channel("general-chat", member=True, members=["U0BOB"])
    url = "http://localhost:3000/incidents/OUT-1"
    ts = bot.fake.post_as_user("general-chat", "U0BOB", f"see <{url}>")
    channel = bot.fake.channel("general-chat")
    assert channel is not None
    bot.event({"type": "link_shared", "channel": channel.id, "user": "U0BOB", "message_ts": ts,
               "links": [{"domain": "localhost", "url": url}, {"domain": "example.com", "url": "https://example.com/x"}],
               "event_ts": ts})  # fmt: skip
    bot.wait(lambda: bool(bot.fake.unfurls()), what="the unfurl")
    unfurl = bot.fake.unfurls()[0]
    assert unfurl["channel"] == channel.id and unfurl["ts"] == ts and list(unfurl["unfurls"]) == [url]
    card = json.dumps(unfurl["unfurls"][url])
    assert "OUT-1" in card and "SEV2" in card and "standby acquirer" in card and "<@U0ALICE>" in card


def test_the_home_tab_is_refreshed_when_a_persons_part_changes(bot: Harness) -> None:
    bot.reply("declare --division payments Refunds are slow")
    bot.delivered()
    # The declarer now runs it: her Home tab says so without her opening it again.
    [alice] = [v for v in bot.fake.views if v.kind == "home" and v.user == "U0ALICE"]
    assert "You are the *commander and communicator*" in json.dumps(alice.view)
    assert "Nothing is waiting for you." in home_of(bot, "U0BOB")
    published = len(bot.fake.calls_to("views.publish"))
    bot.reply("update OUT-1 Still looking")  # nobody's part changes: no Home tab is re-published
    bot.delivered()
    assert len(bot.fake.calls_to("views.publish")) == published

    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()
    bob = next(v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB")
    assert ids.ACCEPT_HANDOFF in json.dumps(bob.view) and len(bob.history) == 1
    bot.reply("ack OUT-1", user="U0BOB")
    bot.delivered()
    bob = next(v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB")
    assert "You are the *commander*" in json.dumps(bob.view) and ids.ACCEPT_HANDOFF not in json.dumps(bob.view)
    [alice] = [v for v in bot.fake.views if v.kind == "home" and v.user == "U0ALICE"]
    assert "You are the *communicator*" in json.dumps(alice.view)


def home_click(bot: Harness, action_id: str, value: dict[str, Any] | None, *, user: str) -> None:
    """A button in the Home tab: the payload carries the view, a trigger and no response_url (as Slack sends)."""
    home = next(v for v in bot.fake.views if v.kind == "home" and v.user == user)
    action: dict[str, Any] = {"type": "button", "action_id": action_id, "block_id": "b", "action_ts": "1.2"}
    if value is not None:
        action["value"] = json.dumps(value)
    payload = {
        "type": "block_actions", "team": {"id": sr.TEAM, "domain": "test"}, "api_app_id": "A_TEST",
        "user": {"id": user, "username": user.lower(), "team_id": sr.TEAM}, "token": "legacy-verification-token",
        "trigger_id": bot.fake.new_trigger_id(user), "container": {"type": "view", "view_id": home.id},
        "view": {"id": home.id, "type": "home", "team_id": sr.TEAM, "callback_id": "", "hash": home.hash,
                 "private_metadata": "", "blocks": home.view["blocks"], "state": {"values": {}}},
        "actions": [action],
    }  # fmt: skip
    response = bot.post_signed(sr.urlencode({"payload": json.dumps(payload)}))
    assert response.status_code == 200, response.text


def test_the_home_tab_buttons_declare_report_and_answer_a_handoff(bot: Harness) -> None:
    bot.reply("declare --division payments Refunds are slow")
    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()
    home_of(bot, "U0BOB")
    home_click(bot, ids.HOME_DECLARE, None, user="U0BOB")
    home_click(bot, ids.HOME_REPORT, None, user="U0BOB")
    opened = lambda: {v.view.get("callback_id") for v in bot.fake.views if v.kind == "modal"}  # noqa: E731
    bot.wait(lambda: {ids.DECLARE_MODAL, ids.REPORT_MODAL} <= opened(), what="both forms")

    home_click(bot, ids.ACCEPT_HANDOFF, {"incident": 1, "role": "commander"}, user="U0BOB")
    bot.wait(lambda: bot.api("/api/incidents/OUT-1").json()["commander"] == "U0BOB", what="the handoff")
    bot.delivered()
    bob = next(v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB")
    assert "You are the *commander*" in json.dumps(bob.view) and ids.ACCEPT_HANDOFF not in json.dumps(bob.view)


def test_the_home_tab_shows_an_overdue_update_to_its_communicator(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 1 Everything is down")
    bot.pass_time(timedelta(minutes=20))
    home = home_of(bot, "U0ALICE")
    assert "is overdue since" in home and "/outage update OUT-1" in home
    assert "overdue" not in home_of(bot, "U0BOB")


def test_a_pin_where_no_outage_is_open_is_left_alone_and_the_shortcut_says_why(bot: Harness) -> None:
    declared_thread(bot, "declare --division payments Refunds are slow")
    chat = bot.fake.create_channel("random", member=True, members=["U0BOB"])
    ts = bot.fake.post_as_user("random", "U0BOB", "lunch?")
    bot.event(pin_event("reaction_added", user="U0BOB", channel=chat.id, ts=ts, author="U0BOB"))
    url = bot.fake.new_response_url()
    body = sr.message_action(ids.PIN_SHORTCUT, user="U0BOB", channel_id=chat.id, response_url=url,
                             message={"ts": ts, "user": "U0BOB", "text": "lunch?"},
                             trigger_id=bot.fake.new_trigger_id("U0BOB"))  # fmt: skip
    assert bot.post_signed(body).status_code == 200
    rid = url.rsplit("/", 1)[1]
    bot.wait(lambda: "no open outage" in json.dumps(bot.fake.responses[rid]), what="the answer")
    assert len(bot.fake.calls_to("chat.getPermalink")) == 1  # the shortcut's; the 📌 made no call at all
    assert bot.fake.ephemerals == [] and not [e for e in timeline(bot) if e["kind"] == "message_pinned"]


def test_a_link_in_the_composer_unfurls_by_its_unfurl_id_and_an_unknown_incident_does_not(bot: Harness) -> None:
    bot.reply("declare --division payments Refunds are slow")
    missing = "http://localhost:3000/incidents/OUT-99"
    bot.event({"type": "link_shared", "channel": "COMPOSER", "user": "U0BOB", "message_ts": "1700000000.000900",
               "unfurl_id": "C123456.1700000000.000900", "source": "composer", "event_ts": "1700000000.000901",
               "links": [{"domain": "localhost", "url": missing}]})  # fmt: skip
    url = "http://localhost:3000/incidents/1"
    bot.event({"type": "link_shared", "channel": "COMPOSER", "user": "U0BOB", "message_ts": "1700000000.000902",
               "unfurl_id": "C123456.1700000000.000902", "source": "composer", "event_ts": "1700000000.000903",
               "links": [{"domain": "localhost", "url": url}]})  # fmt: skip
    bot.wait(lambda: bool(bot.fake.unfurls()), what="the unfurl")
    [unfurl] = bot.fake.unfurls()
    assert unfurl["unfurl_id"] == "C123456.1700000000.000902" and unfurl["source"] == "composer"
    assert "OUT-1" in json.dumps(unfurl["unfurls"][url])


def test_the_home_tab_lists_the_persons_open_action_items_and_follows_them(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments fail")
    bot.reply("action OUT-1 Add retries to card-router --owner <@U0BOB> --due 2026-12-30")
    bot.reply("action OUT-1 Write the failover runbook --owner <@U0CAROL>")
    bot.delivered()

    bob = home_of(bot, "U0BOB")  # (the first publish already happened when A-1 was given to Bob)
    assert "Your open action items" in bob and "*A-1*" in bob and "Add retries to card-router" in bob
    assert "due 2026-12-30" in bob and "*A-2*" not in bob
    assert "Your open action items" not in home_of(bot, "U0ALICE")

    bot.reply("done A-1 shipped", user="U0BOB")  # closing it re-publishes Bob's Home tab without it
    bot.delivered()
    view = json.dumps(next(v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB").view)
    assert "*A-1*" not in view and "Your open action items" not in view
    bot.reply("reopen A-1", user="U0BOB")
    bot.delivered()
    view = json.dumps(next(v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB").view)
    assert "*A-1*" in view and "Add retries to card-router" in view


def test_the_home_tab_reads_a_bounded_few_of_many_open_outages(bot: Harness) -> None:
    for n in range(1, 31):
        bot.reply(f"declare --division payments --sev 3 Outage number {n}")
    # Asked at declaration: Bob's Home tab has the Accept button without his opening it.
    bot.reply("declare --division payments --sev 2 Card auth down --commander <@U0BOB>")
    bot.delivered()
    [bob] = [v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB"]
    assert ids.ACCEPT_HANDOFF in json.dumps(bob.view) and "OUT-31" in json.dumps(bob.view)

    with statements(bot.bot.db.read_engine) as seen:
        alice = home_of(bot, "U0ALICE")
    # Alice runs all 31: the first few of hers, the first twenty of all, and how many more of each.
    assert "Open outages* (31)" in alice and "… and 11 more" in alice
    # A handoff waiting for her answer comes before the outages she already runs, however late it was asked.
    bot.reply("declare --division search --sev 2 Search is down --communicator <@U0ALICE>", user="U0BOB")
    asked = home_of(bot, "U0ALICE")
    assert ids.ACCEPT_HANDOFF in asked and "OUT-32" in asked and "and 24 more open outages" in asked
    assert alice.count("You are the *") == YOURS_SHOWN and f"and {31 - YOURS_SHOWN} more open outages" in alice
    on_incidents = [s for s in seen if "FROM incidents" in s]
    assert on_incidents and all("LIMIT" in s or "count(" in s for s in on_incidents), on_incidents


def test_a_pin_among_many_open_outages_offers_a_few_and_takes_any_chosen(bot: Harness) -> None:
    first = declared_thread(bot, "declare --division payments Outage 1")
    for n in range(2, 8):
        declared_thread(bot, f"declare --division payments Outage {n}")
    bot.fake.add_member("payments-outage", "U0CAROL")
    ts = bot.fake.post_as_user("payments-outage", "U0CAROL", "Mail provider is throttling us")
    bot.event(pin_event("reaction_added", user="U0CAROL", channel=first.channel, ts=ts, author="U0CAROL"))
    bot.wait(lambda: any("Which timeline" in json.dumps(e.blocks) for e in bot.fake.ephemerals), what="question")
    question = json.dumps(next(e for e in bot.fake.ephemerals if "Which timeline" in json.dumps(e.blocks)).blocks)
    assert question.count(ids.PIN_TO_INCIDENT) == pins.CHOICES and "OUT-7" not in question
    # OUT-7 was not offered (the shortcut's own choice, or an older question, may still name it): it is taken.
    value = {"incident": 7, "channel": first.channel, "ts": ts, "author": "U0CAROL"}
    url = bot.click_in(ids.PIN_TO_INCIDENT, value, user="U0CAROL", channel_id=first.channel, message_ts=ts)
    bot.wait(lambda: "Added to OUT-7" in json.dumps(bot.fake.responses[url]), what="the answer")
    # In an outage's thread, the thread says which.
    root = next(m for m in bot.fake.messages("payments-outage") if "OUT-6" in json.dumps(m.blocks))
    reply = bot.fake.post_as_user("payments-outage", "U0CAROL", "Rolled back", thread_ts=root.ts)
    bot.event(pin_event("reaction_added", user="U0CAROL", channel=first.channel, ts=reply, author="U0CAROL"))
    bot.wait(lambda: any(e["kind"] == "message_pinned" for e in timeline(bot, "OUT-6")), what="the pin on OUT-6")


def test_a_queued_home_tab_is_rendered_when_it_is_delivered_not_in_the_command(bot: Harness) -> None:
    bot.fake.fail("views.publish", status=503, times=None)  # Home tabs cannot go out for a while
    bot.reply("declare --division payments --sev 2 Card auth down")
    bot.reply("commander <@U0BOB> OUT-1")
    with bot.bot.db.read_engine.connect() as conn:
        queued = conn.execute(select(outbox.c.args).where(outbox.c.purpose == "home")).scalars().all()
    assert queued and all(args["view"] == HOME for args in queued)  # the command rendered no Home tab
    bot.reply("ack OUT-1", user="U0BOB")  # Bob takes over while his Home tab still waits
    bot.fake.clear_faults()
    bot.delivered(timeout=30)
    [bob] = [v for v in bot.fake.views if v.kind == "home" and v.user == "U0BOB"]
    # What Bob sees is true when it arrived: he is the commander; the Accept button of the request is gone.
    assert "You are the *commander*" in json.dumps(bob.view) and ids.ACCEPT_HANDOFF not in json.dumps(bob.view)
