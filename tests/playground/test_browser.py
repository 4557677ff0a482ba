"""A person in a browser runs an outage end to end in the playground, with no Slack account."""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.slow


def send(page: Page, text: str) -> None:
    box = page.get_by_label("Message")
    box.fill(text)
    box.press("Enter")


def open_channel(page: Page, name: str) -> None:
    page.locator(f"[data-channel='{name}']").click()
    expect(page.locator("#channel-title")).to_contain_text(name if name != "dm" else "incidentbot")


def act_as(page: Page, name: str) -> None:
    page.get_by_label("Act as").select_option(label=next(o for o in PEOPLE if o.startswith(name)))


PEOPLE = ("alice (Alice Archer)", "bob (Bob Baker)", "carol (Carol Chen)", "dave (Dave Dunn)")


def wait_api(process: Any, path: str, check: Any, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        data = process.api(path)
        if check(data) or time.monotonic() > deadline:
            return data
        time.sleep(0.1)


def test_declare_click_handoff_and_form_in_the_browser(playground_process: Any, page: Page, tmp_path: Path) -> None:
    play = playground_process()
    page.goto(play.url)
    expect(page.locator("#channel-title")).to_have_text("# general")

    # A declaration typed into the message box: the answer only alice sees, then the root message and its thread.
    send(page, "/outage declare --division checkout --sev 2 Checkout fails for card payments")
    expect(page.locator(".note").first).to_contain_text("Only visible to you")
    open_channel(page, "checkout-outage")
    root = page.locator(".message", has_text="OUT-1").first
    expect(root).to_contain_text("Checkout fails for card payments")
    send(page, "/outage update Rolled back the 14:02 deploy")
    root.locator(".replies-link").click()
    expect(page.locator("#thread")).to_contain_text("Rolled back the 14:02 deploy")
    page.screenshot(path=tmp_path / "1-declared.png")

    # A handoff: alice asks bob; bob (switching person) accepts with the button in his DM.
    send(page, "/outage commander @bob")
    expect(page.locator(".note", has_text="to take over as commander")).to_be_visible()
    act_as(page, "bob")
    open_channel(page, "dm")
    page.locator(".message", has_text="commander").get_by_role("button", name="Accept").last.click()
    incident = wait_api(play, "/incidents/OUT-1", lambda d: d["commander"] == "U0BOB")
    assert incident["commander"] == "U0BOB"
    page.screenshot(path=tmp_path / "2-handoff-accepted.png")

    # A confirmation button: bob resolves and confirms.
    open_channel(page, "checkout-outage")
    send(page, "/outage resolve Rolled back card-router")
    page.locator(".note").get_by_role("button", name="Confirm").last.click()
    expect(page.locator(".message", has_text="OUT-1").first).to_contain_text("resolved")
    assert wait_api(play, "/incidents/OUT-1", lambda d: d["status"] == "resolved")["status"] == "resolved"
    page.screenshot(path=tmp_path / "3-resolved.png")

    # The declare form: /outage declare with no text opens it; submitting declares OUT-2.
    send(page, "/outage declare")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_contain_text("Declare an outage")
    dialog.get_by_label("Summary").fill("Search is slow")
    dialog.get_by_label("Division").fill("search")
    page.screenshot(path=tmp_path / "4-form.png")
    # As in Slack, a required input left empty stops the form from being sent (the browser says so).
    dialog.get_by_label("Summary").fill("")
    dialog.get_by_role("button", name="Declare").click()
    expect(dialog).to_contain_text("Declare an outage")
    assert dialog.get_by_label("Summary").evaluate("e => e.validity.valueMissing")
    dialog.get_by_label("Summary").fill("Search is slow")
    dialog.get_by_role("button", name="Declare").click()
    expect(dialog).to_contain_text("Outage declared")
    dialog.get_by_role("button", name="Close").click()
    expect(page.locator("#modal-backdrop")).to_be_hidden()
    declared = wait_api(play, "/incidents/OUT-2", lambda d: d["division"] == "search")
    assert (declared["summary"], declared["declared_by"]) == ("Search is slow", "U0BOB")
    open_channel(page, "search-outage")
    expect(page.locator(".message", has_text="OUT-2").first).to_contain_text("Search is slow")


def test_slack_faults_from_the_page_hold_posts_until_slack_is_back(playground_process: Any, page: Page,
                                                                  tmp_path: Path) -> None:  # fmt: skip
    play = playground_process()
    page.goto(play.url)
    send(page, "/outage declare --division checkout --sev 2 Checkout fails")
    open_channel(page, "checkout-outage")
    page.get_by_role("button", name="Slack down (60 s)").click()
    expect(page.locator("#fault-status")).to_contain_text("Slack is down")
    send(page, "/outage update Still failing")
    expect(page.locator(".note", has_text="Update posted")).to_be_visible()
    held = wait_api(play, "/incidents/OUT-1", lambda d: d["undelivered_posts"] > 0)
    assert held["undelivered_posts"] > 0
    page.screenshot(path=tmp_path / "slack-down.png")
    page.get_by_role("button", name="Clear faults").click()
    expect(page.locator("#fault-status")).to_be_hidden()
    root = page.locator(".message", has_text="OUT-1").first
    expect(root.locator(".replies-link")).to_be_visible(timeout=20_000)


def test_checkout_scenario_plays_a_whole_game_day(playground_process: Any, page: Page, tmp_path: Path) -> None:
    play = playground_process("--scenario", "checkout", "--speed", "100")
    play.wait_for_line(r"scenario checkout finished with 0 problem", timeout=40)
    incident = play.api("/incidents/OUT-1")
    kinds = [event["kind"] for event in incident["timeline"]]
    assert incident["drill"] is True and incident["status"] == "resolved" and incident["severity"] == 1
    assert (incident["commander"], incident["communicator"]) == ("U0BOB", "U0DAVE")
    for kind in ("declared", "update", "note", "handoff_accepted", "severity_changed", "resolved"):
        assert kind in kinds, kinds
    assert kinds.count("handoff_accepted") == 2
    # The commander opened the postmortem form and answered two of its questions; the rest is still to fill.
    document = play.api("/incidents/OUT-1/postmortem")
    edited = {s["key"]: s["text"] for s in document["sections"] if s["edited"]}
    assert sorted(edited) == ["how-it-happened", "what-went-well"], edited
    assert "the rollback took 4 minutes" in edited["what-went-well"]
    assert "scenario 16/17: bob submits the form (how-it-happened, what-went-well)" in play.output()
    assert "scenario 17/17: bob /outage postmortem OUT-1" in play.output()
    page.goto(play.url)
    expect(page.get_by_role("status").filter(has_text="scenario")).to_contain_text("finished with 0 problem(s)")
    open_channel(page, "checkout-outage")
    expect(page.locator(".message", has_text="OUT-1").first).to_contain_text("resolved")
    page.screenshot(path=tmp_path / "scenario.png")
    # Acting as bob, the page shows the postmortem answers he saw, the last one with two questions answered.
    act_as(page, "bob")
    expect(page.locator(".note", has_text="Postmortem draft for OUT-1")).to_have_count(2)
    expect(page.locator(".note", has_text="Postmortem draft for OUT-1").last).to_contain_text("Still empty (5)")
    page.screenshot(path=tmp_path / "scenario-postmortem.png")


def test_the_postmortem_form_opens_as_a_modal_and_saves_an_edit(playground_process: Any, page: Page,
                                                                tmp_path: Path) -> None:  # fmt: skip
    play = playground_process()
    page.goto(play.url)
    send(page, "/outage declare --division checkout --sev 2 Checkout fails for card payments")
    open_channel(page, "checkout-outage")
    send(page, "/outage resolve Rolled back card-router")
    page.locator(".note").get_by_role("button", name="Confirm").last.click()
    wait_api(play, "/incidents/OUT-1", lambda d: d["status"] == "resolved")

    # /outage postmortem answers with the draft and an "Edit postmortem" button that opens the form as a modal.
    send(page, "/outage postmortem OUT-1")
    answer = page.locator(".note", has_text="Postmortem draft for OUT-1").last
    expect(answer).to_contain_text("Still empty")
    # The draft is in code blocks, shown as typed (Slack formats nothing inside them): no italics.
    expect(answer.locator("pre").first).to_contain_text("## What went well?\n\n_to fill in_")
    expect(answer.locator("pre i")).to_have_count(0)
    answer.get_by_role("button", name="Edit postmortem").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.locator("#modal-title")).to_have_text("Postmortem OUT-1")
    went_well = dialog.get_by_label("What went well?")
    expect(went_well).to_have_value("")
    expect(dialog.get_by_label("Summary")).to_have_value(re.compile(r"OUT-1: Checkout fails for card payments"))
    went_well.fill("The rollback took four minutes.\nCarol found the cause in the logs.")
    page.screenshot(path=tmp_path / "postmortem-modal.png")
    dialog.get_by_role("button", name="Save").click()
    expect(page.locator("#modal-backdrop")).to_be_hidden()

    document = wait_api(play, "/incidents/OUT-1/postmortem",
                        lambda d: any(s["key"] == "what-went-well" and s["edited"] for s in d["sections"]))
    section = next(s for s in document["sections"] if s["key"] == "what-went-well")
    assert section["text"] == "The rollback took four minutes.\nCarol found the cause in the logs."
    assert "Carol found the cause in the logs." in document["markdown"]
    # Untouched sections stay as the bot generated them, and reopening the form shows the saved text.
    assert not next(s for s in document["sections"] if s["key"] == "summary")["edited"]
    answer.get_by_role("button", name="Edit postmortem").click()
    expect(dialog.get_by_label("What went well?")).to_have_value(section["text"])
    # The title and the buttons stay in view while the long form scrolls between them.
    expect(dialog.get_by_role("button", name="Save")).to_be_in_viewport()
    page.keyboard.press("Escape")
    expect(page.locator("#modal-backdrop")).to_be_hidden()


def test_the_teams_configuration_file_is_used_but_for_what_the_playground_owns(playground_process: Any, page: Page,
                                                                               tmp_path: Path) -> None:  # fmt: skip
    config = tmp_path / "team.toml"
    config.write_text('public_url = "https://incidents.example.com"\nid_prefix = "INC"\ntimezone = "Europe/Paris"\n'
                      '[[divisions]]\nname = "payments"\n[[divisions]]\nname = "search"\nchannel = "search-fire"\n')
    play = playground_process("--config", str(config))
    assert f"using the configuration in {config}" in play.output()
    page.goto(play.url)

    # The declare form offers the team's divisions as a menu.
    send(page, "/outage declare")
    dialog = page.get_by_role("dialog")
    division = dialog.get_by_label("Division")
    expect(division.locator("option")).to_have_text(["Choose…", "payments", "search"])
    dialog.get_by_label("Summary").fill("Search is slow")
    division.select_option("search")
    page.screenshot(path=tmp_path / "config-form.png")
    dialog.get_by_role("button", name="Declare").click()
    expect(dialog).to_contain_text("Outage declared")
    page.keyboard.press("Escape")

    # The team's prefix and channels; the links lead to this playground's bot, not to the team's public_url.
    declared = wait_api(play, "/incidents/INC-1", lambda d: d["division"] == "search")
    assert declared["url"].startswith(play.bot_url), declared["url"]
    open_channel(page, "search-fire")
    root = page.locator(".message", has_text="INC-1").first
    expect(root.get_by_role("link", name="Incident page")).to_have_attribute("href", f"{play.bot_url}/incidents/INC-1")
