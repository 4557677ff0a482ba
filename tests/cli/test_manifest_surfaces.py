"""The manifest subscribes to what App Home, pins and unfurls need, with the scopes the reference requires."""

from __future__ import annotations

from incidentbot.emulator.events import reference, scopes
from incidentbot.messages import ids
from incidentbot.slack.manifest import manifest


def test_the_manifest_has_the_shortcuts_the_home_tab_and_the_events_with_their_scopes() -> None:
    found = manifest(request_url="https://bot.example.com/slack/events", public_url="https://outages.example.com")
    shortcuts = {(s["type"], s["callback_id"]) for s in found["features"]["shortcuts"]}
    assert shortcuts == {("global", ids.REPORT_SHORTCUT), ("message", ids.PIN_SHORTCUT)}
    assert found["features"]["app_home"]["home_tab_enabled"] is True
    assert found["features"]["unfurl_domains"] == ["outages.example.com"]
    events = found["settings"]["event_subscriptions"]
    assert events["request_url"] == "https://bot.example.com/slack/events"
    assert set(events["bot_events"]) == set(reference())  # every event the fake validates, nothing else
    granted = set(found["oauth_config"]["scopes"]["bot"])
    for event in events["bot_events"]:
        assert set(scopes(event)) <= granted, event
    assert {"links:write", "usergroups:read", "reactions:read"} <= granted


def test_socket_mode_subscribes_without_a_request_url() -> None:
    found = manifest(request_url="", socket_mode=True, public_url="https://outages.example.com")
    assert "request_url" not in found["settings"]["event_subscriptions"]
    assert found["settings"]["event_subscriptions"]["bot_events"]
