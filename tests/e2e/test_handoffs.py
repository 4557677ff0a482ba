"""Handoffs end to end: a role moves only when its new holder accepts (button or `/outage ack`).

Signed requests in; the fake Slack (DMs, thread, root message, button responses) and the JSON API checked.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from incidentbot.messages import ids
from tests.support.harness import Harness

DM = {"channel": "directmessage", "channel_id": "D0BOTDM"}


def text_of(message: Any) -> str:
    return (getattr(message, "text", "") or "") + json.dumps(getattr(message, "blocks", None) or [], ensure_ascii=False)


def responses(bot: Harness, url_id: str) -> list[dict[str, Any]]:
    """What the click's listener sent to its response_url (after it acknowledged the click, so wait)."""
    return bot.fake.wait_for(lambda: bot.fake.responses[url_id], message="the answer to the click")


def response_text(bot: Harness, url_id: str) -> str:
    return json.dumps(responses(bot, url_id), ensure_ascii=False)


def handoff_buttons(bot: Harness, user: str) -> dict[str, dict[str, Any]]:
    """The Accept and Decline buttons of the newest handoff request in the user's DMs: action id → value."""
    for message in reversed(bot.fake.dms(user)):
        found = {e["action_id"]: json.loads(e["value"]) for b in message.blocks or [] if b["type"] == "actions"
                 for e in b["elements"] if e["action_id"] in (ids.ACCEPT_HANDOFF, ids.DECLINE_HANDOFF)}
        if found:
            return found
    raise AssertionError(f"no handoff request in {user}'s DMs")


def root(bot: Harness) -> str:
    return text_of(bot.fake.messages("payments-outage")[0])


def thread(bot: Harness) -> list[str]:
    first = bot.fake.messages("payments-outage")[0]
    return [text_of(m) for m in bot.fake.replies("payments-outage", first.ts)]


def incident(bot: Harness) -> dict[str, Any]:
    response = bot.api("/api/incidents/OUT-1")
    assert response.status_code == 200
    return dict(response.json())


def timeline_kinds(bot: Harness) -> list[str]:
    return [e["kind"] for e in incident(bot)["timeline"]]



def declare(bot: Harness) -> None:
    assert "OUT-1 declared" in bot.reply("declare --division payments --sev 2 Card auth down")
    bot.delivered()


def test_communicator_handoff_accepted_by_button_and_a_wrong_or_repeated_click_changes_nothing(bot: Harness) -> None:
    declare(bot)
    asked = bot.reply("communicator <@U0BOB|bob> OUT-1")
    assert "Asked <@U0BOB> to take over as communicator of OUT-1" in asked and "until they accept" in asked
    bot.delivered()

    pending = incident(bot)
    assert pending["communicator"] == "U0ALICE"
    assert [(h["role"], h["to"], h["requested_by"]) for h in pending["pending_handoffs"]] == [
        ("communicator", "U0BOB", "U0ALICE")]
    assert pending["pending_handoffs"][0]["requested_at"].endswith("Z")
    assert "handoff pending: communicator → <@U0BOB>" in root(bot)
    assert any("handoff pending: communicator → <@U0BOB>" in post for post in thread(bot))
    buttons = handoff_buttons(bot, "U0BOB")
    assert buttons == {ids.ACCEPT_HANDOFF: {"incident": 1, "role": "communicator"},
                       ids.DECLINE_HANDOFF: {"incident": 1, "role": "communicator"}}

    # Someone else clicks: refused, nothing moves, and the target's buttons are left in place.
    response, url_id = bot.click(ids.ACCEPT_HANDOFF, buttons[ids.ACCEPT_HANDOFF], user="U0DAVE")
    assert response.status_code == 200
    [refusal] = responses(bot, url_id)
    assert refusal["replace_original"] is False and "Only the person a handoff is addressed to" in refusal["text"]
    assert incident(bot)["communicator"] == "U0ALICE"

    response, url_id = bot.click(ids.ACCEPT_HANDOFF, buttons[ids.ACCEPT_HANDOFF], user="U0BOB")
    assert response.status_code == 200
    [accepted] = responses(bot, url_id)
    assert accepted["replace_original"] is True and "You are now the communicator of OUT-1" in accepted["text"]
    bot.delivered()
    after = incident(bot)
    assert after["communicator"] == "U0BOB" and after["commander"] == "U0ALICE"
    assert after["pending_handoffs"] == []
    assert any("<@U0BOB> is now the communicator of OUT-1, taking over from <@U0ALICE>" in p for p in thread(bot))
    assert "handoff pending" not in root(bot) and "*Communicator*\\n<@U0BOB>" in root(bot)
    assert "accepted: they are now the communicator of OUT-1" in text_of(bot.fake.dms("U0ALICE")[-1])
    assert "You are the *communicator*" in text_of(bot.fake.dms("U0BOB")[-1])

    # A double click / Slack retry, then `/outage ack` typed in the DM: nothing changes, and it says so.
    _, url_id = bot.click(ids.ACCEPT_HANDOFF, buttons[ids.ACCEPT_HANDOFF], user="U0BOB")
    assert "already the communicator of OUT-1: nothing changed" in response_text(bot, url_id)
    assert "No handoff is waiting for your answer" in bot.reply("ack", user="U0BOB", **DM)
    assert "already the communicator of OUT-1: nothing changed" in bot.reply("ack OUT-1", user="U0BOB", **DM)
    _, url_id = bot.click(ids.DECLINE_HANDOFF, buttons[ids.DECLINE_HANDOFF], user="U0BOB")
    assert "nothing changed" in response_text(bot, url_id)
    bot.delivered()
    assert incident(bot)["communicator"] == "U0BOB"
    assert timeline_kinds(bot).count("handoff_accepted") == 1 and "handoff_declined" not in timeline_kinds(bot)


def test_commander_handoff_declined_then_another_accepted_with_slash_commands(bot: Harness) -> None:
    declare(bot)
    bot.reply("commander <@U0CAROL> OUT-1")
    bot.delivered()
    buttons = handoff_buttons(bot, "U0CAROL")
    assert buttons[ids.DECLINE_HANDOFF] == {"incident": 1, "role": "commander"}
    response, url_id = bot.click(ids.DECLINE_HANDOFF, buttons[ids.DECLINE_HANDOFF], user="U0CAROL")
    assert response.status_code == 200 and "You declined the commander of OUT-1" in response_text(bot, url_id)
    bot.delivered()
    after = incident(bot)
    assert after["commander"] == "U0ALICE" and after["pending_handoffs"] == []
    assert any("<@U0CAROL> declined the commander role of OUT-1: the commander role stays with <@U0ALICE>" in p
               for p in thread(bot))
    assert "<@U0CAROL> declined the commander role of OUT-1" in text_of(bot.fake.dms("U0ALICE")[-1])
    assert "handoff pending" not in root(bot)
    # Declined is final: the old Accept button no longer works.
    _, url_id = bot.click(ids.ACCEPT_HANDOFF, buttons[ids.ACCEPT_HANDOFF], user="U0CAROL")
    assert "There is no pending commander handoff on OUT-1" in response_text(bot, url_id)

    # The slash commands do what the buttons do, typed from the DM where the request arrived (no ID needed).
    bot.reply("commander <@U0DAVE> OUT-1")
    assert "Only the person a handoff is addressed to can accept it" in bot.reply("ack OUT-1", user="U0BOB")
    assert "You are now the commander of OUT-1" in bot.reply("ack", user="U0DAVE", **DM)
    assert "already the commander of OUT-1: nothing changed" in bot.reply("ack OUT-1", user="U0DAVE", **DM)
    bot.delivered()
    assert incident(bot)["commander"] == "U0DAVE"
    # The new commander runs the incident now: Dave hands the communicator role to Bob, who declines by slash.
    bot.reply("communicator <@U0BOB> OUT-1", user="U0DAVE")
    assert "You declined the communicator of OUT-1" in bot.reply("decline", user="U0BOB", **DM)
    bot.delivered()
    assert "<@U0BOB> declined the communicator role" in text_of(bot.fake.dms("U0DAVE")[-1])
    kinds = timeline_kinds(bot)
    assert kinds.count("handoff_requested") == 3 and kinds.count("handoff_declined") == 2
    assert kinds.count("handoff_accepted") == 1


def test_unanswered_handoff_is_repinged_once_then_expires(bot: Harness) -> None:
    declare(bot)  # default handoff_timeout: 10 min, re-pinged at 5
    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()
    assert len([m for m in bot.fake.dms("U0BOB") if ids.ACCEPT_HANDOFF in text_of(m)]) == 1

    bot.pass_time(timedelta(minutes=4, seconds=50))
    assert len([m for m in bot.fake.dms("U0BOB") if ids.ACCEPT_HANDOFF in text_of(m)]) == 1

    bot.pass_time(timedelta(seconds=10))
    requests = [m for m in bot.fake.dms("U0BOB") if ids.ACCEPT_HANDOFF in text_of(m)]
    assert len(requests) == 2 and requests[-1].text.startswith("Reminder: <@U0ALICE> asks you to be the commander")
    assert "handoff_repinged" in timeline_kinds(bot)

    bot.pass_time(timedelta(minutes=5))
    after = incident(bot)
    assert after["commander"] == "U0ALICE" and after["pending_handoffs"] == []
    assert any("No answer from <@U0BOB> on OUT-1: the commander role stays with <@U0ALICE>" in p
               for p in thread(bot))
    assert "<@U0BOB> did not answer your commander handoff for OUT-1 in time" in text_of(bot.fake.dms("U0ALICE")[-1])
    assert "handoff pending" not in root(bot)
    kinds = timeline_kinds(bot)
    assert [k for k in kinds if k.startswith("handoff")] == ["handoff_requested", "handoff_repinged",
                                                             "handoff_expired"]
    # Nothing more: no second re-ping, no second expiry.
    bot.pass_time(timedelta(minutes=20))
    assert len([m for m in bot.fake.dms("U0BOB") if ids.ACCEPT_HANDOFF in text_of(m)]) == 2
    assert timeline_kinds(bot).count("handoff_expired") == 1
    assert "no pending handoff" in bot.reply("ack OUT-1", user="U0BOB")


def test_a_new_request_replaces_the_pending_one_and_restarts_its_timer(bot: Harness) -> None:
    declare(bot)
    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()
    bot.clock.advance(timedelta(minutes=8))
    bot.reply("commander <@U0CAROL> OUT-1")
    bot.delivered()
    assert [h["to"] for h in incident(bot)["pending_handoffs"]] == ["U0CAROL"]
    assert "handoff pending: commander → <@U0CAROL>" in root(bot) and "→ <@U0BOB>" not in root(bot)

    # Bob's old request is gone: his button is refused.
    _, url_id = bot.click(ids.ACCEPT_HANDOFF, handoff_buttons(bot, "U0BOB")[ids.ACCEPT_HANDOFF], user="U0BOB")
    assert "Only the person a handoff is addressed to" in response_text(bot, url_id)
    # Bob's request would have expired now; Carol's still runs (requested 3 minutes ago).
    bot.pass_time(timedelta(minutes=3))
    assert [h["to"] for h in incident(bot)["pending_handoffs"]] == ["U0CAROL"]
    _, url_id = bot.click(ids.ACCEPT_HANDOFF, handoff_buttons(bot, "U0CAROL")[ids.ACCEPT_HANDOFF], user="U0CAROL")
    assert "You are now the commander of OUT-1" in response_text(bot, url_id)
    bot.delivered()
    assert incident(bot)["commander"] == "U0CAROL"
    kinds = timeline_kinds(bot)
    assert "handoff_replaced" in kinds and "handoff_expired" not in kinds
    assert "<@U0CAROL> accepted: they are now the commander" in text_of(bot.fake.dms("U0ALICE")[-1])


def test_resolving_ends_a_pending_handoff_and_its_buttons(bot: Harness) -> None:
    declare(bot)
    bot.reply("commander <@U0BOB> OUT-1")
    bot.delivered()
    bot.click(ids.CONFIRM_RESOLVE, {"incident": 1}, user="U0ALICE")
    _, url_id = bot.click(ids.ACCEPT_HANDOFF, handoff_buttons(bot, "U0BOB")[ids.ACCEPT_HANDOFF], user="U0BOB")
    assert "OUT-1 is resolved; there is no handoff to accept" in response_text(bot, url_id)
    bot.pass_time(timedelta(minutes=15))
    assert incident(bot)["commander"] == "U0ALICE" and incident(bot)["pending_handoffs"] == []
    assert len([m for m in bot.fake.dms("U0BOB") if ids.ACCEPT_HANDOFF in text_of(m)]) == 1


def test_the_timeline_names_people_plainly_in_the_api_and_as_mentions_in_slack(bot: Harness) -> None:
    declare(bot)
    bot.reply("communicator <@U0BOB> OUT-1")
    assert "You are now the communicator of OUT-1" in bot.reply("ack OUT-1", user="U0BOB", **DM)
    events = {e["kind"]: e for e in incident(bot)["timeline"]}
    assert events["handoff_requested"]["text"] == "Communicator handoff to U0BOB pending their answer"
    assert events["handoff_accepted"]["text"] == "U0BOB accepted the communicator role from U0ALICE"
    assert not any("<@" in e["text"] for e in incident(bot)["timeline"])
    shown = bot.reply("timeline OUT-1")
    assert "Communicator handoff to <@U0BOB> pending their answer" in shown
    assert "<@U0BOB> accepted the communicator role from <@U0ALICE>" in shown


def test_ack_without_an_id_finds_the_one_outage_asking_and_names_them_when_several_ask(bot: Harness) -> None:
    for n in range(1, 5):  # outages that ask nobody: not candidates
        bot.reply(f"declare --division payments --sev 3 Quiet outage {n}")
    bot.reply("declare --division payments --sev 2 Card auth down --commander <@U0BOB>")
    bot.reply("declare --division search --sev 2 Search is down --communicator <@U0BOB>")
    several = bot.reply("ack", user="U0BOB", **DM)
    assert "pending on several outages" in several and "OUT-5" in several and "OUT-6" in several
    assert not any(f"OUT-{n} " in several for n in range(1, 5))
    assert "You are now the commander and communicator of OUT-5" in bot.reply("ack OUT-5", user="U0BOB", **DM)
    assert "You are now the communicator of OUT-6" in bot.reply("ack", user="U0BOB", **DM)  # the only one left
