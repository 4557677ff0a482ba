"""The record's pages in headless Chromium: a postmortem section edited in the page survives a new timeline
event, the stats page draws its charts, and action items are added and closed from the incident page.

Screenshots go to the test's tmp_path (look at them when the pages change)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import browser  # noqa: F401  (the `browser` fixture)
from tests.support.harness import Harness
from tests.support.record import resolve
from tests.web.test_browser import UNLABELLED, sign_in, site  # noqa: F401  (the `site` fixture)

pytestmark = pytest.mark.slow


def test_a_postmortem_section_edited_in_the_page_survives_a_new_timeline_event(
    site: tuple[Harness, str], browser: Any, tmp_path: Path  # noqa: F811
) -> None:
    bot, url = site
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    sign_in(bot, page, url)
    page.goto(url + "/incidents/OUT-1")
    page.get_by_role("link", name="Postmortem of OUT-1").click()
    page.wait_for_url(url + "/incidents/OUT-1/postmortem")
    assert page.evaluate(UNLABELLED) == []
    page.locator("details", has=page.locator("#edit-timeline")).locator("summary").click()  # "Edit Timeline"
    page.get_by_role("textbox", name="Timeline", exact=True).fill("10:00 cards failed\n10:20 rollback")
    page.get_by_role("button", name="Save Timeline").click()
    page.wait_for_url(url + "/incidents/OUT-1/postmortem?done=section")
    page.evaluate("window.sameDocument = true")
    bot.reply("note OUT-1 Acquirer confirms the fix")
    section = page.locator("#section-timeline")
    section.get_by_text("Newer facts", exact=True).wait_for(timeout=5000)  # live: offered beside the person's words
    assert page.evaluate("window.sameDocument === true")
    assert "10:20 rollback" in (section.text_content() or "") and "Acquirer confirms" in (section.text_content() or "")
    page.screenshot(path=str(tmp_path / "postmortem.png"), full_page=True)
    page.reload()
    assert "10:00 cards failed\n10:20 rollback" in (page.locator("#section-timeline .doc").first.text_content() or "")
    page.close()


def test_the_stats_page_draws_its_charts(site: tuple[Harness, str], browser: Any, tmp_path: Path) -> None:  # noqa: F811
    bot, url = site
    for n, (sev, service, hours) in enumerate([(1, "card-router", 2), (2, "search-api", 5), (3, "card-router", 1)]):
        bot.reply(f"declare --division payments --sev {sev} Outage {n + 1}")
        bot.reply(f"set OUT-{n + 1} service={service}")
        bot.clock.advance(timedelta(hours=hours))
        resolve(bot, n + 1)
        bot.clock.advance(timedelta(days=6))
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    page.goto(f"{url}/stats?token=test-api-token")
    charts = page.get_by_role("img")
    assert charts.count() == 4
    assert page.get_by_role("img", name="Outages per week, by severity").is_visible()
    assert page.locator("svg rect title").count() >= 3 and page.locator("svg circle").count() == 3
    assert page.get_by_text("card-router: 2 outages").count() == 1
    page.screenshot(path=str(tmp_path / "stats.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.screenshot(path=str(tmp_path / "stats-phone.png"), full_page=True)
    page.close()


def test_action_items_are_added_and_closed_from_the_page(
    site: tuple[Harness, str], browser: Any, tmp_path: Path  # noqa: F811
) -> None:
    bot, url = site
    bot.reply("declare --division payments --sev 2 Checkout failing", user="U0BOB")
    page = browser.new_page(viewport={"width": 1000, "height": 900})
    sign_in(bot, page, url)
    page.goto(url + "/incidents/OUT-1")
    page.get_by_label("What should be done to prevent a recurrence").fill("Alert on card auth errors")
    page.get_by_label("Owner (Slack member ID, optional)").fill("U0CAROL")
    page.get_by_label("Due (optional)").fill("2099-01-31")
    page.get_by_role("button", name="Add action item").click()
    page.wait_for_url(url + "/incidents/OUT-1?done=action")
    row = page.locator("tr#A-1")
    assert "Alert on card auth errors" in (row.text_content() or "") and "U0CAROL" in (row.text_content() or "")
    page.screenshot(path=str(tmp_path / "incident-actions.png"), full_page=True)
    page.get_by_role("button", name="Mark A-1 done").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(url + "/incidents/OUT-1?done=action_done")
    assert "by U0ALICE" in (page.locator("tr#A-1").text_content() or "")
    assert bot.http.get("/api/actions", headers={"Authorization": "Bearer test-api-token"}).json()["actions"][0][
        "done_at"
    ]
    page.close()
