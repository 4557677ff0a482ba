"""The pages in a real browser (headless Chromium): sign in through the DM's link, watch the status page
follow a declaration without a reload, and run an outage from the page while Slack answers 503; a postmortem
section edited in the page survives a new timeline event, the stats page draws its charts, action items are
added and closed from the incident page (one module: the session's one Chromium is this module's fixture).

Screenshots of each page go to the test's tmp_path (look at them when the pages change).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from incidentbot.emulator import FakeSlack
from tests.support.browser import served
from tests.support.harness import Harness, start_harness
from tests.support.record import resolve
from tests.support.slack_reading import stored_posts

pytestmark = pytest.mark.slow


@pytest.fixture
def site(database_url: str, fake_slack: FakeSlack, tmp_path: Path) -> Iterator[tuple[Harness, str]]:
    config = {"timezone": "Europe/Paris", "divisions": [{"name": "payments"}, {"name": "search"}]}
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path, config=config,
                       retry_base=0.2, retry_cap=1.0) as bot, served(bot.bot.web) as url:  # fmt: skip
        yield bot, url


def sign_in_path(bot: Harness, user: str = "U0ALICE") -> str:
    """Type `/outage web` and read the link's path out of the DM (tests/web/test_sign_in.py's reading)."""
    from tests.web.test_sign_in import path_of, sign_in_link  # inside: importing it would collect its tests here

    return path_of(sign_in_link(bot, user))


def sign_in(bot: Harness, page: Any, url: str, user: str = "U0ALICE") -> None:
    """Type `/outage web`, open the DM's link, press Sign in."""
    page.goto(url + sign_in_path(bot, user))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/incidents")


def test_sign_in_through_the_dm_link(site: tuple[Harness, str], browser: Any, tmp_path: Path) -> None:
    bot, url = site
    context = browser.new_context()
    page = context.new_page()
    page.goto(url + "/incidents")
    assert "/outage web" in page.content()  # refused, and told how to sign in
    assert "Slack" in (page.text_content("body") or "")
    path = sign_in_path(bot)
    page.goto(url + path)
    page.screenshot(path=str(tmp_path / "signin.png"), full_page=True)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(url + "/incidents")
    assert page.get_by_text("Signed in as u0alice").is_visible()  # the name her Slack requests carry
    assert page.get_by_role("button", name="Declare").is_visible()
    cookie = next(c for c in context.cookies() if c["name"] == "incidentbot_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    page.goto(url + path)  # the link works once
    assert "already used" in (page.text_content("body") or "")
    page.screenshot(path=str(tmp_path / "signin-used.png"), full_page=True)
    context.close()


def test_the_status_page_shows_a_declaration_within_5s_without_reload(
    site: tuple[Harness, str], browser: Any, tmp_path: Path
) -> None:
    bot, url = site
    page = browser.new_page(viewport={"width": 390, "height": 844})  # a phone
    page.goto(f"{url}/incidents?token=test-api-token")
    assert page.get_by_text("No outages open.").is_visible()
    page.evaluate("window.sameDocument = true")  # gone if the page reloads
    bot.reply("declare --division payments --sev 2 Card payments failing")
    page.get_by_role("link", name="OUT-1").wait_for(timeout=5000)
    assert page.evaluate("window.sameDocument === true")
    assert page.get_by_text("Card payments failing").is_visible()
    page.screenshot(path=str(tmp_path / "status-phone.png"), full_page=True)
    page.get_by_role("link", name="OUT-1").click()
    page.wait_for_url(url + "/incidents/OUT-1")
    page.evaluate("window.sameDocument = true")
    bot.reply("note OUT-1 Acquirer says fine")
    page.get_by_text("Acquirer says fine").wait_for(timeout=5000)
    assert page.evaluate("window.sameDocument === true")
    page.screenshot(path=str(tmp_path / "incident-phone.png"), full_page=True)
    page.close()


def test_run_an_outage_from_the_page_while_slack_is_down(
    site: tuple[Harness, str], browser: Any, tmp_path: Path
) -> None:
    bot, url = site
    fake = bot.fake
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    sign_in(bot, page, url)
    bot.delivered()
    fake.fail(status=503, times=None)  # every Web API call, until cleared

    page.get_by_label("Summary").fill("Checkout failing for card payments")
    page.get_by_label("Division").select_option("payments")
    page.get_by_label("Severity").select_option("2")
    page.get_by_role("button", name="Declare").click()
    page.wait_for_url(url + "/incidents/OUT-1?done=declared")
    page.get_by_label("Update").fill("Rolling back card-router 4.2")
    page.get_by_label("Status").select_option("identified")
    page.get_by_role("button", name="Post update").click()
    page.wait_for_url(url + "/incidents/OUT-1?done=update")
    page.get_by_text("Slack is unreachable.").wait_for(timeout=10000)
    assert re.search(r"\d+ posts? waiting", page.text_content("#slack") or "")
    page.screenshot(path=str(tmp_path / "incident-slack-down.png"), full_page=True)
    page.goto(url + "/incidents")
    page.screenshot(path=str(tmp_path / "status-slack-down.png"), full_page=True)

    fake.clear_faults()
    bot.delivered(timeout=30)
    roots = [m for m in fake.messages("payments-outage") if "Checkout failing" in m.text]
    assert len(roots) == 1
    replies = [m.text for m in fake.replies("payments-outage", roots[0].ts)]
    updates = [i for i, text in enumerate(replies) if "Rolling back card-router 4.2" in text]
    assert len(updates) == 1, replies
    assert all(n == 1 for n in stored_posts(fake).values()), stored_posts(fake)
    page.goto(url + "/incidents/OUT-1")
    assert "Slack is unreachable" not in (page.text_content("body") or "")
    page.get_by_role("button", name="Resolve").focus()
    page.keyboard.press("Enter")  # keyboard usable
    page.wait_for_url(url + "/incidents/OUT-1?done=resolve")
    page.screenshot(path=str(tmp_path / "incident-resolved.png"), full_page=True)
    page.goto(url + "/incidents")
    page.screenshot(path=str(tmp_path / "status.png"), full_page=True)
    page.close()


UNLABELLED = """() => Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))
    .filter(el => el.labels.length === 0).map(el => el.outerHTML)"""


def test_forms_are_labelled_keyboard_usable_and_pages_readable_without_script(
    site: tuple[Harness, str], browser: Any, tmp_path: Path
) -> None:
    bot, url = site
    bot.reply("declare --division search --sev 3 Slow search")
    bot.reply("commander <@U0BOB> OUT-1")
    page = browser.new_page()
    sign_in(bot, page, url, user="U0BOB")
    assert page.evaluate(UNLABELLED) == []
    page.goto(url + "/incidents/OUT-1")
    assert page.evaluate(UNLABELLED) == []
    for name in ("Post update", "Add note", "Change severity", "Resolve", "Accept the commander role"):
        assert page.get_by_role("button", name=name).is_visible()
    page.get_by_label("Note").focus()
    page.keyboard.type("Typed with the keyboard")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focus moved to "Add note"
    page.wait_for_url(url + "/incidents/OUT-1?done=note")
    assert page.get_by_text("Typed with the keyboard").is_visible()
    page.close()

    plain = browser.new_context(java_script_enabled=False)
    reader = plain.new_page()
    reader.goto(f"{url}/incidents/OUT-1?token=test-api-token")
    body = reader.text_content("body") or ""
    assert "Slow search" in body and "Typed with the keyboard" in body and "Reload the page" in body
    reader.screenshot(path=str(tmp_path / "incident-no-script.png"), full_page=True)
    plain.close()


# ----- the record's pages: postmortem, stats, action items ----------------------------------------------------


def test_a_postmortem_section_edited_in_the_page_survives_a_new_timeline_event(
    site: tuple[Harness, str], browser: Any, tmp_path: Path
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
    bot.http.put("/api/incidents/OUT-1/postmortem/what-went-well", json={"text": "The rollback was quick"},
                 headers={"Authorization": "Bearer test-api-token", "X-Incidentbot-User": "U0BOB"})  # fmt: skip
    page.locator("#section-what-went-well").get_by_text("The rollback was quick").wait_for(timeout=5000)
    assert page.evaluate("window.sameDocument === true")  # an edit elsewhere (no timeline event) shows live too
    page.screenshot(path=str(tmp_path / "postmortem.png"), full_page=True)
    page.reload()
    assert "10:00 cards failed\n10:20 rollback" in (page.locator("#section-timeline .doc").first.text_content() or "")
    page.close()


def test_the_stats_page_draws_its_charts(site: tuple[Harness, str], browser: Any, tmp_path: Path) -> None:
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
    site: tuple[Harness, str], browser: Any, tmp_path: Path
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
    assert "by u0alice" in (page.locator("tr#A-1").text_content() or "")  # her name, as her commands gave it
    assert bot.http.get("/api/actions", headers={"Authorization": "Bearer test-api-token"}).json()["actions"][0][
        "done_at"
    ]
    page.close()
