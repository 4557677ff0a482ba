"""Simulated people playing a scenario: each step waits its time (divided by the speed), then its person types the
command or clicks the button, through the emulator exactly as a person on the page does."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from typing import Any

from incidentbot.emulator.forms import FormError, form_values
from incidentbot.emulator.people import People
from incidentbot.emulator.ui import SlackEmulator
from incidentbot.playground.scenario import DM, Scenario, Step

FIND_TIMEOUT = 15.0  # seconds to wait for a channel the bot creates, or a button it posts, to appear
_DECLARED = re.compile(r"\b([A-Z]{1,10}-\d+) declared\b")


class StepFailed(Exception):
    pass


class ScenarioRunner:
    def __init__(self, scenario: Scenario, slack: SlackEmulator, people: People, *, speed: float = 1.0,
                 say: Callable[[str], None] = print) -> None:  # fmt: skip
        if speed <= 0:
            raise ValueError("speed must be more than 0")
        self.scenario = scenario
        self.slack = slack
        self.people = people
        self.speed = speed
        self.say = say
        self.done = threading.Event()
        self.problems: list[str] = []
        self.incident = ""  # the id of the outage the scenario declared last: {incident} in a step's run
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._play, name="scenario", daemon=True)

    def start(self) -> ScenarioRunner:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _play(self) -> None:
        total = len(self.scenario.steps)
        self.say(f"scenario {self.scenario.name}: {total} steps over {self.scenario.length / self.speed:.0f} s")
        try:
            for step in self.scenario.steps:
                if self._stop.wait(step.after / self.speed):
                    return
                try:
                    self._act(step)
                    doing = step.doing.replace("{incident}", self.incident or "{incident}")
                    self.say(f"scenario {step.number}/{total}: {step.actor} {doing}")
                except StepFailed as exc:
                    self.problems.append(f"{step.describe()}: {exc}")
                    self.say(f"scenario {step.describe()} failed: {exc}")
            self.say(f"scenario {self.scenario.name} finished with {len(self.problems)} problem(s)")
        finally:
            self.done.set()

    def _act(self, step: Step) -> None:
        user = self._user(step.actor)
        if step.click is not None:
            button = self._wait(lambda: self._button(user, step.click or ""), f"a button {step.click!r}")
            where = {k: button[k] for k in ("message_ts", "note") if k in button}
            answer = self.people.click(user, button["channel"], button, **where)
        elif step.submit is not None:
            answer = self._submit(user, dict(step.submit))
        else:
            channel = self._wait(lambda: self._channel(user, step.channel), f"the channel {step.channel!r}")
            answer = self._send(user, channel, self._filled(step.run or ""))
            if answer is not None and (step.run or "").split()[:2] == ["/outage", "declare"]:
                declared = _DECLARED.search(json.dumps(answer.body))
                self.incident = declared.group(1) if declared else self.incident
        if answer is not None and not answer.ok:
            raise StepFailed(answer.error)

    def _filled(self, run: str) -> str:
        if "{incident}" in run and not self.incident:
            raise StepFailed("{incident} names the outage the scenario declared, and it has declared none yet")
        return run.replace("{incident}", self.incident)

    def _submit(self, user: str, filled: dict[str, str]) -> Any:
        modal = self._wait(lambda: self.people.modal(user), "a form in front of them")
        try:
            values = form_values(modal.view, filled)
        except FormError as exc:
            raise StepFailed(str(exc)) from None
        answer = self.people.submit(user, modal.view_id, values)
        errors = answer.body.get("errors") if answer.body.get("response_action") == "errors" else None
        if errors:
            raise StepFailed("the form was refused: " + "; ".join(f"{k}: {v}" for k, v in errors.items()))
        return answer

    def _send(self, user: str, channel: str, text: str) -> Any:
        if not text.startswith("/"):
            self.slack.post_as_user(channel, user, text)
            return None
        command, _, rest = text.partition(" ")
        return self.people.command(user, channel, rest.strip(), command=command)

    def _user(self, name: str) -> str:
        found = next((p.id for p in self.slack.everyone() if p.name == name), None)
        if found is None:
            raise StepFailed(f"no person named {name} in the workspace")
        return found

    def _channel(self, user: str, name: str) -> str | None:
        if name == DM:
            return self.slack.dm_with(user)
        found = self.slack.channel(name)
        return found.id if found is not None else None

    def _button(self, user: str, label: str) -> dict[str, Any] | None:
        wanted = label.strip().lower()
        for button in self.people.buttons(user):
            text = str((button.get("text") or {}).get("text", "")).strip().lower()
            if wanted in (text, str(button.get("action_id", "")).lower()):
                return button
        return None

    def _wait(self, find: Callable[[], Any], what: str) -> Any:
        deadline = time.monotonic() + FIND_TIMEOUT
        while not self._stop.is_set():
            found = find()
            if found is not None:
                return found
            if time.monotonic() > deadline:
                raise StepFailed(f"{what} did not appear within {FIND_TIMEOUT:.0f} s")
            time.sleep(0.1)
        raise StepFailed("stopped")
