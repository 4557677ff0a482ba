"""One function per `/outage` sub-command, turning its arguments into a command object, and the table of them."""

from __future__ import annotations

from collections.abc import Callable

from incidentbot.domain.model import Role
from incidentbot.messages.usage import USAGE
from incidentbot.service.commands import (
    Ack,
    Cancel,
    ChangeSeverity,
    Command,
    Declare,
    Decline,
    Help,
    ListOpen,
    Note,
    OpenDeclareModal,
    Postmortem,
    Report,
    RequestHandoff,
    Resolve,
    SetFields,
    ShowStatus,
    ShowTimeline,
    SignInLink,
    Update,
)
from incidentbot.slack import values
from incidentbot.slack.arguments import Arguments
from incidentbot.slack.fields import field_values
from incidentbot.slack.flags import DECLARE_FLAGS, NO_FLAGS, UPDATE_FLAGS
from incidentbot.slack.grammar_record import parse_action, parse_actions, parse_done, parse_reopen, parse_stats
from incidentbot.slack.suggest import unknown_command
from incidentbot.slack.tokens import Fail, typed_len
from incidentbot.slack.values import LONG_TEXT_LIMIT, SUMMARY_LIMIT, TEXT_LIMIT


def _help(given: Arguments) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 1, "at most one command name")
    if not words:
        return Help()
    topic = words[0].text.lower()
    if topic not in USAGE:
        raise Fail(unknown_command(words[0].text, HANDLERS))
    return Help(topic=topic)


def _declare(given: Arguments) -> Command:
    if not given.tokens:
        return OpenDeclareModal()
    scan = given.scan(DECLARE_FLAGS)
    flags = scan.flags
    division = flags.get("division")
    severity = flags.get("sev")
    commander = flags.get("commander")
    communicator = flags.get("communicator")
    summary = given.text(scan.words)
    result = Declare(
        summary=summary,
        division=values.division(division) if division is not None else None,
        severity=values.severity(severity, "`--sev`") if severity is not None else 3,
        company_wide="company-wide" in flags,
        commander=values.user(commander, "`--commander`") if commander is not None else None,
        communicator=values.user(communicator, "`--communicator`") if communicator is not None else None,
        drill="drill" in flags,
    )
    if not summary:
        raise Fail(
            f"{given.name} needs a summary: say in a few words what is broken, "
            "e.g. `/outage declare --sev 2 checkout fails for EU customers`."
        )
    length = typed_len(summary)
    if length > SUMMARY_LIMIT:
        raise Fail(
            f"The summary is {length} characters long: keep the summary under {SUMMARY_LIMIT} characters; "
            "put detail in an update."
        )
    return result


def _update(given: Arguments) -> Command:
    scan = given.scan(UPDATE_FLAGS)
    ref, words = given.leading_id(scan.words)
    status = scan.flags.get("status")
    parsed_status = values.status(status) if status is not None else None
    text = given.required_text(
        words, LONG_TEXT_LIMIT, "update", f"{given.name} needs text: say what changed and what happens next."
    )
    return Update(text=text, ref=ref, status=parsed_status)


def _handoff(role: Role) -> Callable[[Arguments], Command]:
    def handler(given: Arguments) -> Command:
        words = given.scan(NO_FLAGS).words
        given.at_most(words, 2, "a person and at most an incident ID")
        if not words:
            raise Fail(
                f"{given.name} needs the person to hand the {role} role to, e.g. `/outage {role} @person`."
            )
        # `commander OUT-4 @user` as well as `commander @user OUT-4`.
        if len(words) == 2 and given.looks_like_id(words[0]) and not given.looks_like_id(words[1]):
            words = [words[1], words[0]]
        to = values.user(words[0].text, f"The new {role}")
        ref = given.incident_id(words[1]) if len(words) == 2 else None
        return RequestHandoff(role=role, to=to, ref=ref)

    return handler


def _ack(given: Arguments) -> Command:
    return Ack(ref=given.ref_only())


def _decline(given: Arguments) -> Command:
    return Decline(ref=given.ref_only())


def _note(given: Arguments) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    text = given.required_text(
        words, LONG_TEXT_LIMIT, "note", f"{given.name} needs text: what should the timeline say?"
    )
    return Note(text=text, ref=ref)


def _sev(given: Arguments) -> Command:
    words = given.scan(NO_FLAGS).words
    given.at_most(words, 2, "a severity and at most an incident ID")
    if not words:
        raise Fail(f"{given.name} needs the new severity, 1 (worst) to 4, e.g. `/outage sev 2`.")
    # `sev OUT-12 2`: a prefixed ID first is unambiguous; a bare number first is always the severity.
    if len(words) == 2 and not words[0].text.isdigit() and given.looks_like_id(words[0]):
        words = [words[1], words[0]]
    severity = values.severity(words[0].text, "The severity")
    ref = given.incident_id(words[1]) if len(words) == 2 else None
    return ChangeSeverity(severity=severity, ref=ref)


def _resolve(given: Arguments) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    summary = given.text(words)
    given.check_length(summary, LONG_TEXT_LIMIT, "resolution summary")  # kept on the server, posts link to it
    return Resolve(ref=ref, summary=summary or None)


def _cancel(given: Arguments) -> Command:
    return Cancel(ref=given.ref_only())


def _list(given: Arguments) -> Command:
    given.at_most(given.scan(NO_FLAGS).words, 0, "nothing more")
    return ListOpen()


def _status_cmd(given: Arguments) -> Command:
    return ShowStatus(ref=given.ref_only())


def _timeline(given: Arguments) -> Command:
    return ShowTimeline(ref=given.ref_only())


def _set(given: Arguments) -> Command:
    ref, words = given.leading_id(given.scan(NO_FLAGS).words)
    return SetFields(values=field_values(given.text(words), given), ref=ref)


def _postmortem(given: Arguments) -> Command:
    return Postmortem(ref=given.ref_only())


def _web(given: Arguments) -> Command:
    given.at_most(given.scan(NO_FLAGS).words, 0, "nothing more")
    return SignInLink()


def _report(given: Arguments) -> Command:
    words = given.scan(NO_FLAGS).words
    text = given.required_text(
        words, TEXT_LIMIT, "report",
        f"{given.name} needs a few words on what you see, e.g. `/outage report checkout fails for EU customers`.",
    )
    return Report(text=text)


HANDLERS: dict[str, Callable[[Arguments], Command]] = {
    "help": _help,
    "declare": _declare,
    "update": _update,
    "commander": _handoff(Role.COMMANDER),
    "communicator": _handoff(Role.COMMUNICATOR),
    "ack": _ack,
    "decline": _decline,
    "note": _note,
    "sev": _sev,
    "resolve": _resolve,
    "cancel": _cancel,
    "list": _list,
    "status": _status_cmd,
    "timeline": _timeline,
    "set": _set,
    "postmortem": _postmortem,
    "web": _web,
    "action": parse_action,
    "actions": parse_actions,
    "done": parse_done,
    "reopen": parse_reopen,
    "stats": parse_stats,
    "report": _report,
}
