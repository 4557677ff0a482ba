"""The usage line of every `/outage` sub-command: shown by `/outage help` and with every error."""

from __future__ import annotations

# One usage line per sub-command, shown in `/outage help` and with every parse error.
USAGE: dict[str, str] = {
    "help": "/outage help [command]",
    "declare": (
        "/outage declare [--division D] [--sev N] [--company-wide] [--commander @user] "
        "[--communicator @user] [--drill] <summary>"
    ),
    "update": "/outage update [ID] [--status investigating|identified|monitoring|resolved] <text>",
    "commander": "/outage commander @user [ID]",
    "communicator": "/outage communicator @user [ID]",
    "ack": "/outage ack [ID]",
    "decline": "/outage decline [ID]",
    "note": "/outage note [ID] <text>",
    "sev": "/outage sev N [ID]",
    "resolve": "/outage resolve [ID] [summary]",
    "cancel": "/outage cancel [ID]",
    "list": "/outage list",
    "status": "/outage status [ID]",
    "timeline": "/outage timeline [ID]",
    "set": "/outage set [ID] impact=… service=… root-cause=… owner-team=…",
    "postmortem": "/outage postmortem [ID]",
    "action": "/outage action [ID] <text> [--owner @user] [--due YYYY-MM-DD]",
    "actions": "/outage actions [--open]",
    "done": "/outage done <action-id>",
}


def with_id(command: str | None, label: str) -> str:
    """`command` as typed with the incident `label` in its ID position, e.g. `/outage update OUT-2 …`.

    For the hint that asks which outage was meant; a command that takes no ID gives the `status` example.
    """
    name = command if command in USAGE and "[ID]" in USAGE[command] else "status"
    more = USAGE[name] != f"/outage {name} [ID]"
    return f"/outage {name} {label}" + (" …" if more else "")
