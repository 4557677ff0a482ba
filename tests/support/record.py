"""Helpers for the after-the-outage tests: a clock that starts at a fixed instant, message text, resolving."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from incidentbot.messages import ids
from tests.support.harness import Clock, Harness


class FixedClock(Clock):
    """Starts at `start` and moves only when a test advances it: durations come out exact."""

    def __init__(self, start: datetime) -> None:
        super().__init__()
        self.start = start

    def __call__(self) -> datetime:
        return self.start + self.offset


def text_of(message: Any) -> str:
    return (getattr(message, "text", "") or "") + json.dumps(getattr(message, "blocks", None) or [], ensure_ascii=False)


def dm_texts(bot: Harness, user: str, containing: str) -> list[str]:
    return [text_of(m) for m in bot.fake.dms(user) if containing in text_of(m)]


def company_texts(bot: Harness, containing: str) -> list[str]:
    if bot.fake.channel("company-outage") is None:
        return []
    return [text_of(m) for m in bot.fake.messages("company-outage") if containing in text_of(m)]


def resolve(bot: Harness, number: int, summary: str = "Fixed", user: str = "U0ALICE") -> None:
    response, _ = bot.click(ids.CONFIRM_RESOLVE, {"incident": number, "summary": summary}, user=user)
    assert response.status_code == 200
    assert bot.api(f"/api/incidents/{number}").json()["status"] == "resolved"


def advance_to(bot: Harness, moment: datetime) -> None:
    """Pass time up to `moment` (doing what falls due on the way, once)."""
    bot.pass_time_to(moment)


def click_with_trigger(bot: Harness, action_id: str, value: dict[str, Any], *, user: str) -> Any:
    """Click a button whose handler opens a modal: the payload carries a trigger the fake Slack accepts."""
    from urllib.parse import parse_qs, urlencode

    from tests.support import slack_requests as sr

    body = sr.block_action(action_id, json.dumps(value), user=user, response_url=bot.fake.new_response_url())
    payload = json.loads(parse_qs(body)["payload"][0])
    payload["trigger_id"] = bot.fake.new_trigger_id(user)
    return bot.post_signed(urlencode({"payload": json.dumps(payload)}))
