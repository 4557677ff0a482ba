"""The after-the-outage sub-commands: `action`, `actions`, `done`, `reopen` and `stats`."""

from __future__ import annotations

from incidentbot.domain.actions import action_number
from incidentbot.domain.quality import MAX_DAYS
from incidentbot.service.commands import AddAction, Command, DoneAction, ListActions, ReopenAction, ShowStats
from incidentbot.slack import values
from incidentbot.slack.arguments import Arguments
from incidentbot.slack.flags import ACTION_FLAGS, ACTIONS_FLAGS, NO_FLAGS, STATS_FLAGS
from incidentbot.slack.tokens import Fail, Token, code
from incidentbot.slack.values import ACTION_LIMIT, TEXT_LIMIT


def parse_action(given: Arguments) -> Command:
    scan = given.scan(ACTION_FLAGS)
    ref, words = given.leading_id(scan.words)
    owner = scan.flags.get("owner")
    due = scan.flags.get("due")
    parsed_owner = values.user(owner, "`--owner`") if owner is not None else None
    parsed_due = values.due(due) if due is not None else None
    text = given.required_text(
        words,
        ACTION_LIMIT,
        "action item",
        f"{given.name} needs text: what should be done to prevent a recurrence?",
    )
    return AddAction(text=text, ref=ref, owner=parsed_owner, due=parsed_due)


def parse_actions(given: Arguments) -> Command:
    scan = given.scan(ACTIONS_FLAGS)
    words = scan.words
    open_only = "open" in scan.flags
    # `actions open` is what people type at 3 am; read it as `actions --open`.
    if words and words[-1].text.lower() == "open":
        words, open_only = words[:-1], True
    given.at_most(words, 1, "at most an incident ID, `--open` and `--mine`")
    ref = given.incident_id(words[0]) if words else None
    return ListActions(open_only=open_only, ref=ref, mine="mine" in scan.flags)


def _action_id(given: Arguments, words: list[Token], verb: str) -> int:
    if not words:
        raise Fail(f"{given.name} needs the number of the action item, e.g. `/outage {verb} A-7`.")
    word = words[0].text
    if len(word.removeprefix("A-").removeprefix("a-")) > values.MAX_NUMBER_DIGITS:
        raise Fail(f"{code(word)} is not a valid action item: the number is too long.")
    number = action_number(word)
    if number is None:
        raise Fail(f"{code(word)} is not an action item: write its id such as `A-7` (or `7`).")
    return number


def parse_done(given: Arguments) -> Command:
    words = given.scan(NO_FLAGS).words
    number = _action_id(given, words, "done")
    note = given.text(words[1:])
    given.check_length(note, TEXT_LIMIT, "note")
    return DoneAction(action_id=number, note=note or None)


def parse_reopen(given: Arguments) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 1, "one action item")
    return ReopenAction(action_id=_action_id(given, words, "reopen"))


def parse_stats(given: Arguments) -> Command:
    scan = given.scan(STATS_FLAGS)
    given.at_most(scan.words, 0, "only `--days`, `--division` and `--service`")
    days_text = scan.flags.get("days")
    days = 90
    if days_text is not None:
        if not (days_text.isascii() and days_text.isdigit()) or not 1 <= int(days_text[:6]) <= MAX_DAYS:
            raise Fail(f"`--days` must be a whole number of days from 1 to {MAX_DAYS} (got {code(days_text)}).")
        days = int(days_text)
    division = scan.flags.get("division")
    service = scan.flags.get("service")
    return ShowStats(days=days, division=values.division(division) if division is not None else None,
                     service=service.strip() if service else None)
