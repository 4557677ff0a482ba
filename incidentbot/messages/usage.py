"""The usage line and description of every `/outage` sub-command: the one source for `/outage help`, the
usage shown with every error, and the README's command table (tests/messages/test_usage.py compares them).
"""

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
    "set": (
        "/outage set [ID] impact=… service=… root-cause=… owner-team=… cause=… started=… detected=… mitigated=…"
    ),
    "postmortem": "/outage postmortem [ID]",
    "web": "/outage web",
    "action": "/outage action [ID] <text> [--owner @user] [--due YYYY-MM-DD]",
    "actions": "/outage actions [ID] [--open] [--mine]",
    "done": "/outage done A-<n> [note]",
    "reopen": "/outage reopen A-<n>",
    "stats": "/outage stats [--days N] [--division D] [--service S]",
    "report": "/outage report <what you see>",
}

# What each command does, in help and in the README table.
DESCRIPTIONS: dict[str, str] = {
    "help": "Show the commands, or one command's usage (only you see it).",
    "declare": "Declare an outage; with no text at all it opens a form.",
    "update": "Post a status update in the thread (and `#company-outage` when company-wide); resets the update clock.",
    "commander": "Ask someone to take over as commander; the role moves only when they accept.",
    "communicator": "Ask someone to take over as communicator; the role moves only when they accept.",
    "ack": "Accept a role handed to you (the Accept button in the DM does the same).",
    "decline": "Decline a role handed to you (the Decline button in the DM does the same).",
    "note": "Add a note to the timeline.",
    "sev": "Change the severity; SEV1 is always company-wide and is announced.",
    "resolve": "Resolve, after a confirmation button.",
    "cancel": "Cancel an outage declared by mistake, after a confirmation button.",
    "list": "List the open outages (only you see it).",
    "status": "Show an outage's current state (only you see it).",
    "timeline": "Show an outage's timeline (only you see it).",
    "set": "Record book-keeping fields and milestones (times as HH:MM or ISO 8601) for the service-quality record.",
    "postmortem": "Link the postmortem document and say what is still empty (only you see it).",
    "action": "Add a follow-up action item; its owner is reminded on the due day and weekly while overdue.",
    "actions": "List action items: of one outage, still open, or yours (only you see it).",
    "done": "Close an action item, with an optional note.",
    "reopen": "Reopen an action item (its owner, the outage's commander or an admin).",
    "stats": "The service-quality record: durations, updates on time, repeat causes (only you see it).",
    "web": "DM you a one-time link (valid 15 minutes) that signs you in to the incident pages.",
    "report": "Report a problem to the triage channel (anyone); answered within 15 minutes or escalated.",
}

# Every command works; help and the README list them in this order.
AVAILABLE = tuple(USAGE)


def with_id(command: str | None, label: str) -> str:
    """`command` as typed with the incident `label` in its ID position, e.g. `/outage update OUT-2 …`.

    For the hint that asks which outage was meant; a command that takes no ID gives the `status` example.
    """
    name = command if command in USAGE and "[ID]" in USAGE[command] else "status"
    more = USAGE[name] != f"/outage {name} [ID]"
    return f"/outage {name} {label}" + (" …" if more else "")
