"""The outage process end to end: signed Slack requests in, fake Slack and the JSON API checked."""

from __future__ import annotations

import json

from incidentbot.messages import ids
from tests.support.harness import Harness


def test_declare_update_sev_resolve(bot: Harness) -> None:
    text = bot.reply("declare --division payments --sev 2 Checkout is failing for EU cards")
    assert "OUT-1 declared" in text
    bot.delivered()

    channel = bot.fake.channel("payments-outage")
    assert channel is not None
    roots = bot.fake.messages("payments-outage")
    assert len(roots) == 1
    root = roots[0]
    assert "OUT-1" in json.dumps(root.blocks) and "Checkout is failing" in json.dumps(root.blocks)
    assert "OUT-1" in bot.fake.topic("payments-outage")
    assert any("commander" in json.dumps(m.blocks).lower() for m in bot.fake.dms("U0ALICE"))

    assert "Update posted" in bot.reply("update OUT-1 --status identified Bad deploy of card-router; rolling back")
    bot.delivered()
    thread = bot.fake.replies("payments-outage", root.ts)
    assert any("rolling back" in json.dumps(m.blocks) for m in thread)
    assert "identified" in json.dumps(bot.fake.messages("payments-outage")[0].blocks)

    assert "SEV1" in bot.reply("sev 1 OUT-1")
    bot.delivered()
    company = bot.fake.messages("company-outage")
    assert company and "OUT-1" in json.dumps(company[-1].blocks)

    confirm = bot.reply("resolve OUT-1 Rolled back card-router")
    assert ids.CONFIRM_RESOLVE in confirm
    response, url_id = bot.click(ids.CONFIRM_RESOLVE, {"incident": 1, "summary": "Rolled back card-router"},
                                 user="U0ALICE")
    assert response.status_code == 200
    bot.delivered()
    # Bolt answers the response_url after acknowledging the click: wait for it.
    said = bot.fake.wait_for(lambda: bot.fake.responses[url_id], message="the answer to the click")
    assert "resolved" in json.dumps(said).lower()
    assert "resolved" in json.dumps(bot.fake.messages("payments-outage")[0].blocks).lower()

    api = bot.api("/api/incidents/OUT-1").json()
    assert api["status"] == "resolved" and api["severity"] == 1 and api["company_wide"] is True
    kinds = [e["kind"] for e in api["timeline"]]
    assert kinds[0] == "declared" and "update" in kinds and "severity_changed" in kinds and kinds[-1] == "resolved"
    assert api["channel_id"] == channel.id and api["thread_ts"] == root.ts
