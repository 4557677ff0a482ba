"""Scenarios: a scripted game day, as a TOML file of steps that simulated people play in the playground.

    name = "checkout"
    description = "Checkout fails after a deploy"

    [[steps]]
    after = "0s"                 # wait this long after the previous step (seconds, or "90s", "2m")
    as = "alice"                 # who acts: a person of the workspace (alice, bob, carol, dave)
    in = "general"               # the channel typed in: a channel name, or "dm" (the person's DM with the bot)
    run = "/outage declare --division checkout --sev 2 Checkout fails"   # a slash command, or plain text

    [[steps]]
    after = "30s"
    as = "bob"
    click = "Accept"             # instead of run: the newest button with this label (or action id) they see

    [[steps]]
    after = "1m"
    as = "bob"
    submit = { what-went-well = "The rollback took 4 minutes" }   # instead of run: fill in and submit the form
                                 # open in front of them (inputs by block id or label; the others keep their values)

In a run, ``{incident}`` is the id of the outage the scenario declared last (e.g. ``/outage postmortem {incident}``).
A name without ".toml" is a scenario shipped in incidentbot/playground/scenarios/. Every `/outage declare` of a
scenario is a drill: `--drill` is added when missing.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from incidentbot.durations import parse_duration

PEOPLE = ("alice", "bob", "carol", "dave")
STEP_KEYS = {"after", "as", "in", "run", "click", "submit"}
ACTIONS = ("run", "click", "submit")
TOP_KEYS = {"name", "description", "steps"}
DM = "dm"
_CHANNEL = re.compile(r"^[a-z0-9][a-z0-9_-]{0,79}$")


class ScenarioError(ValueError):
    """A scenario file that cannot be played; the message names the file and the step at fault."""


@dataclass(frozen=True)
class Step:
    number: int  # 1-based, as a person counts the [[steps]]
    after: float  # seconds after the previous step, before speed-up
    actor: str
    channel: str
    run: str | None
    click: str | None
    submit: tuple[tuple[str, str], ...] | None = None  # (input, text) pairs

    def describe(self) -> str:
        return f"step {self.number} ({self.actor}: {self.doing})"

    @property
    def doing(self) -> str:
        if self.submit is not None:
            return "submits the form (" + ", ".join(key for key, _ in self.submit) + ")"
        return self.run or f"clicks {self.click}"


@dataclass(frozen=True)
class Scenario:
    name: str
    description: str
    steps: tuple[Step, ...]

    @property
    def length(self) -> float:
        return sum(s.after for s in self.steps)


def shipped() -> list[str]:
    folder = resources.files(__package__).joinpath("scenarios")
    return sorted(p.name.removesuffix(".toml") for p in folder.iterdir() if p.name.endswith(".toml"))


def load_scenario(name_or_path: str) -> Scenario:
    """A shipped scenario by name (``checkout``) or a TOML file by path; ScenarioError says what is wrong."""
    if name_or_path.endswith(".toml") or "/" in name_or_path:
        path = Path(name_or_path)
        if not path.is_file():
            raise ScenarioError(f"{name_or_path}: no such scenario file")
        return parse_scenario(path.read_text(encoding="utf-8"), source=str(path))
    if name_or_path not in shipped():
        raise ScenarioError(f"no shipped scenario named {name_or_path!r}; shipped: {', '.join(shipped())} "
                            "(or give a path to a .toml file)")  # fmt: skip
    text = resources.files(__package__).joinpath("scenarios", f"{name_or_path}.toml").read_text(encoding="utf-8")
    return parse_scenario(text, source=f"{name_or_path}.toml")


def parse_scenario(text: str, *, source: str) -> Scenario:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{source}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        keys = ", ".join(sorted(TOP_KEYS))
        raise ScenarioError(f"{source}: unknown key(s) {', '.join(unknown)}; a scenario has {keys}")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        raise ScenarioError(f"{source}: no [[steps]]; a scenario needs at least one step")
    parsed = tuple(_step(raw, number, source) for number, raw in enumerate(steps, start=1))
    name = data.get("name", Path(source).stem)
    description = data.get("description", "")
    if not isinstance(name, str) or not isinstance(description, str):
        raise ScenarioError(f"{source}: name and description must be text")
    return Scenario(name=name, description=description, steps=parsed)


def _step(raw: Any, number: int, source: str) -> Step:
    where = f"{source}: steps[{number}]"
    if not isinstance(raw, dict):
        raise ScenarioError(f"{where}: a step is a table with {', '.join(sorted(STEP_KEYS))}")
    unknown = sorted(set(raw) - STEP_KEYS)
    if unknown:
        raise ScenarioError(f"{where}: unknown key(s) {', '.join(unknown)}; a step has {', '.join(sorted(STEP_KEYS))}")
    actor = raw.get("as")
    if actor not in PEOPLE:
        raise ScenarioError(f"{where}.as: {actor!r} is not a person here; use one of {', '.join(PEOPLE)}")
    run, click = raw.get("run"), raw.get("click")
    if sum(raw.get(key) is not None for key in ACTIONS) != 1:
        raise ScenarioError(f"{where}: give exactly one of run (a command or text), click (a button's label) and "
                            "submit (a form's inputs)")  # fmt: skip
    for key, value in (("run", run), ("click", click)):
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise ScenarioError(f"{where}.{key}: must be non-empty text")
    if isinstance(run, str) and run.split() == ["/outage", "declare"]:
        raise ScenarioError(f"{where}.run: simulated people cannot fill the declare form; give the flags and a "
                            "summary, e.g. /outage declare --division checkout --sev 2 Checkout fails")
    return Step(number=number, after=_after(raw.get("after", 0), where), actor=actor,
                channel=_channel(raw.get("in", "general"), where), run=_drill(run), click=click,
                submit=_submit(raw.get("submit"), where))  # fmt: skip


def _submit(value: Any, where: str) -> tuple[tuple[str, str], ...] | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not value or not all(isinstance(v, str) for v in value.values()):
        raise ScenarioError(f'{where}.submit: a table of inputs and their text, e.g. {{ summary = "Checkout fails" }}')
    return tuple((str(k), v) for k, v in value.items())


def _after(value: Any, where: str) -> float:
    if value in (0, "0", "0s"):
        return 0.0
    try:
        return parse_duration(value).total_seconds()
    except ValueError as exc:
        raise ScenarioError(f"{where}.after: {exc}") from None


def _channel(value: Any, where: str) -> str:
    if not isinstance(value, str) or not (value == DM or _CHANNEL.match(value.removeprefix("#"))):
        raise ScenarioError(f'{where}.in: {value!r} is not a channel name (e.g. "general", "checkout-outage") or "dm"')
    return value.removeprefix("#")


def _drill(run: str | None) -> str | None:
    """Scenario incidents are drills: a declaration without --drill gets it."""
    if run is None:
        return None
    words = run.split()
    if words[:2] == ["/outage", "declare"] and "--drill" not in words:
        return f"/outage declare --drill {' '.join(words[2:])}".rstrip()
    return run.strip()
