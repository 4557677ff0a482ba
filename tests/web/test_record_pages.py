"""The record's pages over HTTP: `/stats` (the numbers of `GET /api/stats`, with charts), the postmortem page
and its section forms, and action items added and closed from the incident page. Bad input: 4xx, nothing
written."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from incidentbot.store.tables import action_items, postmortem_sections, timeline_events
from tests.support import slack_requests as sr
from tests.support.harness import API_TOKEN, Harness
from tests.support.record import resolve
from tests.web.test_write_api import signed_in

AUTH = {"Authorization": f"Bearer {API_TOKEN}"}


def rows(bot: Harness) -> tuple[int, ...]:
    with bot.bot.db.read_engine.connect() as conn:
        return tuple(int(conn.execute(select(func.count()).select_from(t)).scalar() or 0)
                     for t in (timeline_events, action_items, postmortem_sections))  # fmt: skip


def test_the_stats_page_shows_the_api_numbers_with_charts(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 1 Cards down")
    bot.reply("set OUT-1 service=card-router")
    bot.clock.advance(timedelta(minutes=90))
    resolve(bot, 1, "Rolled back")
    bot.reply("declare --division search --sev 3 --drill Practice")
    api = bot.http.get("/api/stats", headers=AUTH).json()
    page = bot.http.get("/stats", headers=AUTH)
    assert page.status_code == 200
    html = page.text
    assert api["incidents"] == 1 and f"<strong>{api['incidents']}</strong>" in html
    assert "Left out: 1 drill, 0 cancelled" in html
    assert html.count("<svg") == 4 and 'role="img"' in html and "<title" in html
    assert "OUT-1 (SEV1): resolved in 1.5 h" in html  # the point of the time-to-resolve chart
    assert "card-router: 1 outage" in html
    assert "http" not in html.split("<main>", 1)[1].split("</main>", 1)[0].replace("http-equiv", "")  # no CDN
    week = bot.http.get("/stats?days=7", headers=AUTH).text
    assert "last 7 days" in week


def test_the_stats_page_refuses_a_bad_window_and_strangers(bot: Harness) -> None:
    for days in ("0", "abc", "99999999", "-1", "3.5"):
        refused = bot.http.get(f"/stats?days={days}", headers=AUTH)
        assert refused.status_code == 400 and "whole number" in refused.text
    assert bot.http.get("/stats").status_code in (401, 403)


def test_action_items_are_added_and_closed_from_the_incident_page(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    csrf = signed_in(bot, "U0ALICE")
    added = bot.http.post("/incidents/OUT-1/actions", data={"csrf": csrf, "text": "Alert on <auth> & errors",
                          "owner": "U0CAROL", "due": "2099-01-31"}, follow_redirects=False)  # fmt: skip
    assert added.status_code == 303 and added.headers["location"] == "/incidents/OUT-1?done=action"
    page = bot.http.get(added.headers["location"]).text
    assert "Action item added." in page and "Alert on &lt;auth&gt; &amp; errors" in page
    assert "U0CAROL" in page and "2099-01-31" in page and "Mark A-1 done" in page
    assert "Started:" in page and "Mitigated: <span" in page and "/incidents/OUT-1/postmortem" in page
    done = bot.http.post("/incidents/OUT-1/actions/A-1/done", data={"csrf": csrf}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/incidents/OUT-1?done=action_done"
    page = bot.http.get(done.headers["location"]).text
    assert "Action item closed." in page and "Mark A-1 done" not in page and "by u0alice" in page
    actions = bot.http.get("/api/actions", headers=AUTH).json()["actions"]
    assert [(a["id"], a["owner"], a["done_at"] is not None) for a in actions] == [("A-1", "U0CAROL", True)]


def test_bad_action_item_forms_change_nothing(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    csrf = signed_in(bot, "U0ALICE")
    before = rows(bot)
    for path, data, status in [
        ("/incidents/OUT-1/actions", {"text": ""}, 400),
        ("/incidents/OUT-1/actions", {"text": "x" * 501}, 400),
        ("/incidents/OUT-1/actions", {"text": "Fix", "owner": "bob"}, 400),
        ("/incidents/OUT-1/actions", {"text": "Fix", "due": "tomorrow"}, 400),
        ("/incidents/OUT-1/actions", {"text": "Fix", "due": "2024-02-30"}, 400),
        ("/incidents/OUT-1/actions", {"text": "Fix", "due": "2000-01-01"}, 400),
        ("/incidents/OUT-9/actions", {"text": "Fix"}, 400),
        ("/incidents/nope/actions", {"text": "Fix"}, 404),
        ("/incidents/OUT-1/actions/A-99/done", {}, 400),
        ("/incidents/OUT-1/actions/xyz/done", {}, 404),
    ]:  # fmt: skip
        refused = bot.http.post(path, data={"csrf": csrf, **data})
        assert refused.status_code == status, (path, data, refused.status_code)
        assert 'role="alert"' in refused.text
    forged = bot.http.post("/incidents/OUT-1/actions", data={"csrf": "forged", "text": "Fix"})
    assert forged.status_code == 403
    assert rows(bot) == before


def test_a_section_edited_in_the_page_keeps_its_words_and_is_offered_newer_facts(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    csrf = signed_in(bot, "U0ALICE")
    draft = bot.http.get("/incidents/OUT-1/postmortem").text
    assert "A draft" in draft and 'for="edit-what-went-well"' in draft and "Save" in draft
    saved = bot.http.post("/incidents/OUT-1/postmortem/timeline", follow_redirects=False,
                          data={"csrf": csrf, "text": "Our own <timeline>\r\nline two"})  # fmt: skip
    assert saved.status_code == 303 and saved.headers["location"] == "/incidents/OUT-1/postmortem?done=section"
    bot.reply("note OUT-1 Acquirer confirms the fix")
    page = bot.http.get("/incidents/OUT-1/postmortem").text
    section = page.split('id="section-timeline"', 1)[1].split("</section>", 1)[0]
    assert "Our own &lt;timeline&gt;\nline two" in section and "edited" in section
    assert "Newer facts" in section and "Acquirer confirms the fix" in section
    doc = bot.http.get("/api/incidents/OUT-1/postmortem", headers=AUTH).json()
    timeline = next(s for s in doc["sections"] if s["key"] == "timeline")
    assert timeline["text"] == "Our own <timeline>\nline two" and "newer_generated" in timeline


def test_bad_postmortem_forms_change_nothing(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    csrf = signed_in(bot, "U0ALICE")
    before = rows(bot)
    for path, data, status in [
        ("/incidents/OUT-1/postmortem/nope", {"text": "x"}, 400),
        ("/incidents/OUT-1/postmortem/summary", {"text": "x" * 40_001}, 400),
        ("/incidents/OUT-9/postmortem/summary", {"text": "x"}, 400),
        ("/incidents/zzz/postmortem/summary", {"text": "x"}, 404),
    ]:  # fmt: skip
        refused = bot.http.post(path, data={"csrf": csrf, **data})
        assert refused.status_code == status, (path, refused.status_code)
    assert bot.http.post("/incidents/OUT-1/postmortem/summary", data={"text": "x"}).status_code == 403
    assert bot.http.get("/incidents/OUT-9/postmortem").status_code == 404
    assert rows(bot) == before


def test_the_postmortem_page_watches_its_own_edits(bot: Harness) -> None:
    bot.reply("declare --division payments --sev 2 Checkout failing")
    bot.delivered()
    before = bot.http.get("/live?postmortem=OUT-1", headers=AUTH).json()["version"]
    everywhere = bot.http.get("/live", headers=AUTH).json()["version"]
    bot.http.put("/api/incidents/OUT-1/postmortem/summary", json={"text": "Ours"}, headers=AUTH)
    after = bot.http.get("/live?postmortem=OUT-1", headers=AUTH).json()["version"]
    assert after != before
    assert bot.http.get("/live", headers=AUTH).json()["version"] == everywhere  # other pages need not reload
    page = bot.http.get("/incidents/OUT-1/postmortem", headers=AUTH).text
    assert 'data-watch="OUT-1"' in page and f'data-version="{after}"' in page


def test_pages_name_people_as_slack_does_where_known_and_by_member_id_otherwise(bot: Harness) -> None:
    body = sr.slash_command("declare --division payments --sev 2 Card auth down --communicator <@U0BOB>",
                            user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                            response_url=bot.fake.new_response_url(), user_name="alice.smith")  # fmt: skip
    assert bot.post_signed(body).status_code == 200
    listing = bot.http.get("/incidents?token=" + API_TOKEN).text
    assert "<td data-label=\"Commander\">alice.smith</td>" in listing
    page = bot.http.get("/incidents/OUT-1?token=" + API_TOKEN).text
    assert "Commander</dt><dd>alice.smith<" in page and "by alice.smith" in page
    assert "→ U0BOB (asked by alice.smith" in page  # Bob has sent the bot no request yet: his member id
    assert "alice.smith · declared" in page  # the timeline's actor
    # The JSON API keeps member ids (the contract), whatever the pages show.
    assert bot.api("/api/incidents/OUT-1").json()["commander"] == "U0ALICE"
