"""Declaring: by flags, by the modal, in two divisions at once, with roles named at declaration."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from pathlib import Path

import pytest

from incidentbot.emulator import FakeSlack
from incidentbot.messages import ids
from tests.support.harness import Harness, start_harness


def blocks_text(message: object) -> str:
    return json.dumps(getattr(message, "blocks", None) or []) + (getattr(message, "text", "") or "")


def form(summary: str, division: str, severity: str = "2", *, company_wide: bool = False,
         commander: str | None = None) -> dict[str, object]:
    values: dict[str, object] = {
        ids.SUMMARY_BLOCK: {ids.SUMMARY_ACTION: {"type": "plain_text_input", "value": summary}},
        ids.DIVISION_BLOCK: {ids.DIVISION_ACTION: {"type": "plain_text_input", "value": division}},
        ids.SEVERITY_BLOCK: {ids.SEVERITY_ACTION: {"type": "static_select",
                                                   "selected_option": {"value": severity}}},
        ids.COMPANY_WIDE_BLOCK: {ids.COMPANY_WIDE_ACTION: {
            "type": "checkboxes", "selected_options": [{"value": ids.CHECKED}] if company_wide else []}},
        ids.DRILL_BLOCK: {ids.DRILL_ACTION: {"type": "checkboxes", "selected_options": []}},
        ids.COMMANDER_BLOCK: {ids.COMMANDER_ACTION: {"type": "users_select", "selected_user": commander}},
        ids.COMMUNICATOR_BLOCK: {ids.COMMUNICATOR_ACTION: {"type": "users_select", "selected_user": None}},
    }
    return values


def test_two_divisions_at_once_each_get_their_own_channel_thread_and_topic(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 3 Refunds are slow")
    bot.reply("declare --division search --sev 2 Search returns no results", user="U0BOB")
    bot.reply("declare --division payments --sev 4 Receipts e-mails delayed", user="U0CAROL")
    bot.delivered()

    payments = bot.fake.messages("payments-outage")
    search = bot.fake.messages("search-outage")
    # One root per outage. Roots of different outages go out in parallel (DESIGN: ordering is per incident),
    # so the channel may show them in either order.
    assert sorted(("OUT-1" in blocks_text(m), "OUT-3" in blocks_text(m)) for m in payments) == [(False, True),
                                                                                                (True, False)]
    assert len(search) == 1 and "OUT-2" in blocks_text(search[0])
    assert "OUT-1" in bot.fake.topic("payments-outage") and "OUT-3" in bot.fake.topic("payments-outage")
    assert "OUT-2" in bot.fake.topic("search-outage") and "OUT-1" not in bot.fake.topic("search-outage")

    # Typed in a division channel with two open outages, the ID is required and the candidates are listed.
    ambiguous = bot.reply("update Still slow", channel="payments-outage")
    assert "OUT-1" in ambiguous and "OUT-3" in ambiguous
    # With only one open outage, the channel is enough.
    assert "OUT-2" in bot.reply("update Reindex started", user="U0BOB", channel="search-outage")
    bot.delivered()
    assert any("Reindex started" in blocks_text(m) for m in bot.fake.replies("search-outage", search[0].ts))

    listing = bot.reply("list")
    assert all(f"OUT-{n}" in listing for n in (1, 2, 3))
    api = bot.api("/api/incidents").json()["incidents"]
    assert [i["id"] for i in api] == ["OUT-3", "OUT-2", "OUT-1"]


def test_declare_in_a_division_channel_defaults_division_and_roles(bot: Harness) -> None:
    bot.reply("declare --division search Warm-up")  # creates #search-outage
    bot.delivered()
    text = bot.reply("declare Indexer stuck", user="U0BOB", channel="search-outage")
    assert "OUT-2" in text and "search" in text
    incident = bot.api("/api/incidents/2").json()
    assert incident["division"] == "search" and incident["severity"] == 3
    assert incident["commander"] == "U0BOB" and incident["communicator"] == "U0BOB"


def test_named_commander_must_accept_before_holding_the_role(bot: Harness) -> None:
    bot.reply("declare --division payments --commander <@U0BOB|bob> --communicator <@U0CAROL> Card auth down")
    bot.delivered()
    incident = bot.api("/api/incidents/OUT-1").json()
    assert incident["commander"] == "U0ALICE" and incident["communicator"] == "U0ALICE"
    assert {(h["role"], h["to"]) for h in incident["pending_handoffs"]} == {("commander", "U0BOB"),
                                                                           ("communicator", "U0CAROL")}
    assert any(ids.ACCEPT_HANDOFF in blocks_text(m) for m in bot.fake.dms("U0BOB"))
    assert any(ids.ACCEPT_HANDOFF in blocks_text(m) for m in bot.fake.dms("U0CAROL"))


def test_declare_modal_opens_and_submission_declares(bot: Harness) -> None:
    response = bot.command("declare", trigger_id=bot.fake.new_trigger_id())
    assert response.status_code == 200
    assert len(bot.fake.views) == 1 and bot.fake.views[0].view["callback_id"] == ids.DECLARE_MODAL

    submitted = bot.submit(ids.DECLARE_MODAL, form("Login fails for SSO users", "identity", "2",
                                                   company_wide=True), view_id="V_ONE")
    assert submitted.status_code == 200
    assert submitted.json()["response_action"] == "update", submitted.json()
    # The same submission again (a retry) declares nothing new.
    again = bot.submit(ids.DECLARE_MODAL, form("Login fails for SSO users", "identity", "2"), view_id="V_ONE")
    assert again.status_code == 200 and again.json()["response_action"] == "errors"
    bot.delivered()

    incidents = bot.api("/api/incidents").json()["incidents"]
    assert len(incidents) == 1
    assert incidents[0]["summary"] == "Login fails for SSO users" and incidents[0]["company_wide"] is True
    assert len(bot.fake.messages("identity-outage")) == 1
    assert any("OUT-1" in blocks_text(m) for m in bot.fake.messages("company-outage"))


def test_declare_modal_reports_field_errors_without_declaring(bot: Harness) -> None:
    response = bot.submit(ids.DECLARE_MODAL, form("   ", "Bad Division!", "2"))
    body = response.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {ids.SUMMARY_BLOCK, ids.DIVISION_BLOCK}
    assert bot.api("/api/incidents").json()["incidents"] == []


def test_configured_divisions_restrict_names_and_link_the_runbook(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    (tmp_path / "runbooks").mkdir()
    (tmp_path / "runbooks" / "payments.md").write_text("# Payments runbook\nRoll back first.\n")
    config = {"divisions": [{"name": "payments", "runbook": "payments.md"}, {"name": "search", "channel": "srch-inc"}]}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config) as bot:
        refused = bot.reply("declare --division billing Invoices wrong")
        assert "Unknown division" in refused and "payments" in refused
        bot.reply("declare --division payments Card errors")
        bot.reply("declare --division search Slow queries")
        bot.delivered()
        root = bot.fake.messages("payments-outage")[0]
        thread = bot.fake.replies("payments-outage", root.ts)
        assert any("/runbooks/payments.md" in blocks_text(m) for m in thread)
        assert bot.http.get("/runbooks/payments.md").text.startswith("# Payments runbook")
        assert bot.http.get("/runbooks/../secrets.md").status_code == 404
        assert len(bot.fake.messages("srch-inc")) == 1


@pytest.mark.parametrize("text", ["declare --drill --division payments Game day: card router failover"])
def test_drill_never_reaches_the_company_channel(bot: Harness, text: str) -> None:
    bot.reply(text.replace("--drill", "--drill --sev 1"))
    bot.delivered()
    assert bot.fake.channel("company-outage") is None  # never even created
    assert "DRILL" in blocks_text(bot.fake.messages("payments-outage")[0]).upper()


def test_existing_public_channel_is_joined_not_duplicated(bot: Harness) -> None:
    existing = bot.fake.create_channel("payments-outage", member=False)
    bot.reply("declare --division payments Card errors")
    bot.delivered()
    channel = bot.fake.channel("payments-outage")
    assert channel is not None and channel.id == existing.id
    assert "U0BOT" in channel.members
    assert len(bot.fake.messages("payments-outage")) == 1
    assert len(bot.fake.calls_to("conversations.join")) == 1


def test_company_wide_updates_and_resolution_reach_the_company_channel(bot: Harness) -> None:
    bot.reply("declare --division payments --company-wide Checkout down everywhere")
    bot.reply("update OUT-1 Failover to the backup acquirer started")
    bot.click("resolve_confirm", {"incident": 1}, user="U0ALICE")
    bot.delivered()
    company = [blocks_text(m) for m in bot.fake.messages("company-outage")]
    assert len(company) == 3
    assert "Checkout down everywhere" in company[0]
    assert "Failover to the backup acquirer" in company[1]
    assert "resolved" in company[2].lower()
    # the division thread got the same update
    root = bot.fake.messages("payments-outage")[0]
    assert any("Failover" in blocks_text(m) for m in bot.fake.replies("payments-outage", root.ts))


def test_a_hanging_slack_cannot_delay_the_answer_to_declare_past_three_seconds(bot: Harness) -> None:
    bot.fake.delay("views.open", 10, after_store=False)
    started = time.monotonic()
    response = bot.command("declare", trigger_id=bot.fake.new_trigger_id())
    assert time.monotonic() - started < 3
    assert response.status_code == 200 and "flags" in response.json()["text"]
    bot.fake.clear_faults()


def duty_dms(bot: Harness, user: str) -> list[str]:
    return [m.text for m in bot.fake.dms(user) if m.text.startswith("You are the ")]


def test_each_person_gets_one_dm_listing_the_roles_they_hold_and_none_for_a_role_they_hand_off(
    bot: Harness,
) -> None:
    bot.reply("declare --division payments Card errors")
    bot.delivered()
    assert duty_dms(bot, "U0ALICE") == ["You are the commander and communicator of OUT-1"]
    assert "*You decide*" in blocks_text(bot.fake.dms("U0ALICE")[-1])

    bot.reply("declare --division search --communicator <@U0BOB> Slow queries", user="U0CAROL")
    bot.delivered()
    assert duty_dms(bot, "U0CAROL") == ["You are the commander of OUT-2"]
    assert duty_dms(bot, "U0BOB") == [] and any(ids.ACCEPT_HANDOFF in blocks_text(m) for m in bot.fake.dms("U0BOB"))

    bot.reply("declare --division identity --commander <@U0BOB> --communicator <@U0CAROL> SSO down", user="U0DAVE")
    bot.delivered()
    assert bot.fake.dms("U0DAVE") == []  # handing both roles off: the requests go to the people asked
    # Asked for both roles at once and accepting both: one DM with both duties.
    bot.reply("declare --division mail --commander <@U0CAROL> Mail queue stuck", user="U0DAVE")
    assert "communicator" in bot.reply("ack OUT-4", user="U0CAROL", channel="directmessage", channel_id="D0BOTDM")
    bot.delivered()
    assert duty_dms(bot, "U0CAROL") == ["You are the commander of OUT-2",
                                        "You are the commander and communicator of OUT-4"]


def test_an_escalation_to_sev1_is_announced_as_an_escalation(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 3 Card errors for some issuers")
    bot.pass_time(timedelta(minutes=10))
    assert "SEV1" in bot.reply("sev 1 OUT-1", user="U0ALICE")
    bot.delivered()
    [said] = [blocks_text(m) for m in bot.fake.messages("company-outage")]
    assert "New SEV" not in said
    assert "OUT-1 (payments) was escalated from SEV3 to SEV1 by <@U0ALICE>: Card errors for some issuers" in said
