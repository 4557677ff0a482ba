"""What people and tools read back: list, status, timeline, and the JSON API contract."""

from __future__ import annotations

from datetime import datetime

from starlette.testclient import TestClient

from incidentbot.web.app import build_web_app
from tests.support.harness import Harness

INCIDENT_FIELDS = {"id", "summary", "division", "severity", "status", "company_wide", "drill", "declared_by",
                   "declared_at", "resolved_at", "commander", "communicator", "pending_handoffs",
                   "next_update_due_at", "channel_id", "thread_ts"}  # fmt: skip


def test_list_status_and_timeline(bot: Harness) -> None:
    assert "No open outages" in bot.reply("list")
    bot.reply("declare --division payments --sev 2 Card payments failing")
    bot.reply("note OUT-1 Acquirer X says their side is fine", user="U0BOB")
    bot.reply("update OUT-1 Rolling back card-router 4.2")
    bot.delivered()
    assert "OUT-1" in bot.reply("list") and "Card payments failing" in bot.reply("list")

    status = bot.reply("status OUT-1")
    assert "SEV2" in status and "U0ALICE" in status
    timeline = bot.reply("timeline OUT-1")
    assert timeline.index("Card payments failing") < timeline.index("Acquirer X") < timeline.index("Rolling back")
    # In the division channel, the ID may be left out.
    assert "SEV2" in bot.reply("status", channel="payments-outage")


def test_api_shape_filter_order_and_timeline(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    bot.reply("declare --division search Slow search", user="U0BOB")
    bot.click("cancel_confirm", {"incident": 2}, user="U0BOB")
    bot.delivered()

    everything = bot.api("/api/incidents").json()["incidents"]
    assert [i["id"] for i in everything] == ["OUT-2", "OUT-1"]
    assert set(everything[0]) >= INCIDENT_FIELDS
    assert [i["id"] for i in bot.api("/api/incidents?status=open").json()["incidents"]] == ["OUT-1"]

    one = bot.api("/api/incidents/OUT-1").json()
    assert one["id"] == "OUT-1" and one["severity"] == 2 and one["status"] == "investigating"
    assert one["declared_by"] == "U0ALICE" and one["commander"] == "U0ALICE"
    assert one["channel_id"].startswith("C") and one["thread_ts"]
    for field in ("declared_at", "next_update_due_at"):
        assert one[field].endswith("Z") and datetime.fromisoformat(one[field])
    assert [set(e) for e in one["timeline"]] == [{"at", "kind", "actor", "text"}] * len(one["timeline"])
    assert one["timeline"][0]["kind"] == "declared"
    assert bot.api("/api/incidents/1").json()["id"] == "OUT-1"
    assert bot.api("/api/incidents/out-1").json()["id"] == "OUT-1"


def test_api_errors_are_json_and_never_5xx(bot: Harness) -> None:
    assert bot.api("/api/incidents", token=None).status_code == 401
    assert bot.api("/api/incidents", token="wrong").status_code == 401
    assert bot.api("/api/incidents/OUT-1", token=None).status_code == 401
    assert bot.api("/api/incidents/OUT-404").status_code == 404
    assert bot.api("/api/incidents/not-an-id").status_code == 404
    assert bot.api("/api/incidents?status=weird").status_code == 400
    assert bot.api("/api/incidents?limit=0").status_code == 400
    assert bot.http.get("/nowhere").json()["error"]
    assert bot.http.post("/healthz").status_code == 405
    health = bot.http.get("/healthz").json()
    assert health == {"ok": True, "database": "ok", "outbox": {"undelivered": 0, "failed": 0}}


def test_without_a_configured_token_the_api_needs_none(bot: Harness) -> None:
    open_app = build_web_app(ctx=bot.bot.ctx, bolt=bot.bot.bolt, api_token=None)
    with TestClient(open_app) as client:
        assert client.get("/api/incidents").json() == {"incidents": []}


def test_incident_pages_show_the_state_and_timeline_escaped(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Cards <script>alert(1)</script> &amp; wallets failing")
    bot.reply("note OUT-1 Acquirer says <b>fine</b>")
    assert bot.http.get("/incidents").status_code == 401  # a token is configured in the harness
    listing = bot.http.get("/incidents?token=test-api-token")
    assert listing.status_code == 200 and "OUT-1" in listing.text
    page = bot.http.get("/incidents/OUT-1")  # the cookie set above is enough from now on
    assert page.status_code == 200
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text and "&amp; wallets" in page.text
    assert "Acquirer says &lt;b&gt;fine&lt;/b&gt;" in page.text
    assert bot.http.get("/incidents/OUT-9").status_code == 404


def test_postmortem_draft_in_slack_and_action_items_explained(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Card payments failing")
    bot.reply("set OUT-1 root-cause=expired certificate")
    draft = bot.reply("postmortem OUT-1")
    assert "Postmortem draft for OUT-1" in draft and "expired certificate" in draft
    assert "What went well?" in draft
    assert "Added A-1 to OUT-1" in bot.reply("action OUT-1 Renew certificates automatically")
