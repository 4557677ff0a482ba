"""Events API payloads checked against the reference (methods.json "events", from slack-api-ref/events).

An event the reference does not know is refused; one whose reference has an example must carry exactly the
example's fields (nested objects too), so a test cannot drive the bot with a payload Slack never sends.
"""

from __future__ import annotations

import json
from typing import Any

from .rules import FIXTURE_PATH


def reference() -> dict[str, Any]:
    with FIXTURE_PATH.open(encoding="utf-8") as fh:
        events = json.load(fh).get("events", {})
    assert isinstance(events, dict)
    return events


def check_event(event: dict[str, Any]) -> None:
    """AssertionError unless `event` is shaped as the reference says Slack sends it."""
    kind = event.get("type")
    known = reference()
    assert kind in known, f"event type {kind!r} is not in the reference (methods.json events)"
    example = known[kind].get("example")
    if example is not None:
        _same_shape(event, example, where=str(kind))


def scopes(event: str) -> list[str]:
    return list(reference()[event]["scopes"])


def _same_shape(given: Any, example: Any, *, where: str) -> None:
    if isinstance(example, dict):
        assert isinstance(given, dict), f"{where}: expected an object"
        assert set(given) == set(example), f"{where}: fields {sorted(given)} differ from Slack's {sorted(example)}"
        for key, value in example.items():
            _same_shape(given[key], value, where=f"{where}.{key}")
    else:
        assert type(given) is type(example), f"{where}: {type(given).__name__}, Slack sends {type(example).__name__}"
