"""The emulator's page and what it does for a person before any app is connected, and Slack's escaping."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from incidentbot.emulator.interact import AppLink
from incidentbot.emulator.people import People
from incidentbot.emulator.ui import SlackEmulator


@pytest.fixture
def emulator() -> Iterator[SlackEmulator]:
    with SlackEmulator() as slack:
        yield slack
    assert slack.rejected == []


def get(url: str) -> tuple[int, str, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.headers["Content-Type"], response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def test_the_page_and_its_scripts_are_served_from_the_package(emulator: SlackEmulator) -> None:
    status, ctype, html = get(f"{emulator.base_url}/")
    assert (status, ctype) == (200, "text/html; charset=utf-8")
    assert '<label for="message">Message</label>' in html and "http" not in html.split("<body>")[1]
    for script in ("app.js", "blocks.js"):
        status, ctype, _ = get(f"{emulator.base_url}/ui/{script}")
        assert (status, ctype) == (200, "text/javascript; charset=utf-8")


def test_without_an_app_the_page_is_told_so_and_the_web_api_still_answers(emulator: SlackEmulator) -> None:
    status, _, body = get(f"{emulator.base_url}/ui/state?user=U0ALICE")
    assert status == 503 and "no app is connected" in json.loads(body)["error"]
    status, _, body = get(f"{emulator.url}auth.test?token=xoxb-test")
    assert status == 200 and json.loads(body)["ok"] is True


def test_a_person_sees_general_and_their_own_dm_only(emulator: SlackEmulator) -> None:
    emulator.connect("http://127.0.0.1:9/slack/events", "secret")
    emulator.create_channel("general", members=["U0ALICE", "U0BOB"])
    emulator.create_channel("secret-plans", private=True, members=["U0BOB"])
    alice_dm, bob_dm = emulator.dm_with("U0ALICE"), emulator.dm_with("U0BOB")
    status, _, body = get(f"{emulator.base_url}/ui/state?user=U0ALICE")
    seen = [c["id"] if c["is_im"] else c["name"] for c in json.loads(body)["channels"]]
    assert status == 200 and seen == ["general", alice_dm] and bob_dm not in seen


def test_mentions_are_escaped_as_slack_does_for_the_app(emulator: SlackEmulator) -> None:
    emulator.create_channel("payments-outage")
    people = People(emulator, AppLink("http://127.0.0.1:9/", "s"), new_response_url=emulator.new_response_url,
                    new_trigger=emulator.new_trigger_id)  # fmt: skip
    channel = emulator.channel("payments-outage")
    assert channel is not None
    assert people._escape("commander @bob in #payments-outage, not @zoe or a@b.c") == (
        f"commander <@U0BOB|bob> in <#{channel.id}|payments-outage>, not @zoe or a@b.c"
    )
