"""`GET /api/incidents/{id}?limit=&before=`: the timeline in pages, newest page first, each in time order;
without `limit` the whole timeline, as the contract says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from incidentbot.store.tables import timeline_events
from incidentbot.web.api import DEFAULT_TIMELINE
from tests.support.harness import Harness


def test_the_timeline_comes_in_pages_that_add_up_to_the_whole(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    for n in range(7):
        bot.reply(f"note OUT-1 finding {n}")
    whole = bot.api("/api/incidents/OUT-1").json()
    assert "timeline_before" not in whole and len(whole["timeline"]) >= 8  # whole: fewer than 1,000
    pages: list[list[dict[str, Any]]] = []
    before = None
    while True:
        query = "?limit=3" + (f"&before={before}" if before is not None else "")
        page = bot.api(f"/api/incidents/OUT-1{query}").json()
        assert len(page["timeline"]) <= 3 and page["summary"] == "Card auth down"
        pages.insert(0, page["timeline"])
        before = page.get("timeline_before")
        if before is None:
            break
    assert [e for p in pages for e in p] == whole["timeline"]
    assert pages[-1][-1]["text"] == whole["timeline"][-1]["text"]


def test_bad_paging_is_refused(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    for query in ("?limit=0", "?limit=x", "?before=3", "?limit=5001", "?limit=2&before=y"):
        response = bot.api(f"/api/incidents/OUT-1{query}")
        assert response.status_code == 400 and "limit" in response.json()["error"]
    assert bot.api("/api/incidents/OUT-9?limit=2").status_code == 404


def test_a_list_of_many_open_incidents_counts_them_all(bot: Harness) -> None:
    for n in range(52):
        bot.reply(f"declare --division payments --sev 4 Outage {n}")
    answer = bot.reply("list")
    assert "52 open outages" in answer and "\\u2026 4 more" in answer  # (the blocks, as JSON)


def test_a_huge_timeline_comes_newest_first_with_the_way_to_the_rest(bot: Harness) -> None:
    bot.reply("declare --division payments Card auth down")
    start = datetime.now(UTC)
    with bot.bot.db.engine.begin() as conn:
        conn.execute(insert(timeline_events), [
            {"incident_number": 1, "at": start + timedelta(seconds=i), "kind": "note", "actor": "U0ALICE",
             "text": f"finding {i}"} for i in range(DEFAULT_TIMELINE + 5)
        ])  # fmt: skip
    first = bot.api("/api/incidents/OUT-1").json()
    assert len(first["timeline"]) == DEFAULT_TIMELINE
    assert first["timeline"][-1]["text"] == f"finding {DEFAULT_TIMELINE + 4}"
    rest = bot.api(f"/api/incidents/OUT-1?limit=100&before={first['timeline_before']}").json()
    # the declaration's events, then the five oldest findings
    assert [e["text"] for e in rest["timeline"]][-5:] == [f"finding {i}" for i in range(5)]
    assert "timeline_before" not in rest and rest["timeline"][0]["kind"] == "declared"
