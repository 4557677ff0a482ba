"""The ids Slack sends back when someone clicks or submits: shared by the renderers and the listeners."""

from __future__ import annotations

# Buttons. Their `value` is JSON: {"incident": <number>, ...}.
ACCEPT_HANDOFF = "handoff_accept"
DECLINE_HANDOFF = "handoff_decline"
CONFIRM_RESOLVE = "resolve_confirm"
CONFIRM_CANCEL = "cancel_confirm"
ABORT_CONFIRM = "confirm_abort"

# The declare modal (`/outage declare` with no text).
DECLARE_MODAL = "declare_modal"
DECLARED_VIEW = "declared_view"

# One input block per field; each block holds one element whose action id is the same name.
SUMMARY_BLOCK = "summary_block"
SUMMARY_ACTION = "summary"
DIVISION_BLOCK = "division_block"
DIVISION_ACTION = "division"
SEVERITY_BLOCK = "severity_block"
SEVERITY_ACTION = "severity"
COMPANY_WIDE_BLOCK = "company_wide_block"
COMPANY_WIDE_ACTION = "company_wide"
DRILL_BLOCK = "drill_block"
DRILL_ACTION = "drill"
COMMANDER_BLOCK = "commander_block"
COMMANDER_ACTION = "commander"
COMMUNICATOR_BLOCK = "communicator_block"
COMMUNICATOR_ACTION = "communicator"

# The value of the single checkbox option in the company-wide and drill inputs.
CHECKED = "yes"

# Reports of problems (`/outage report`, the "Report a problem" shortcut). Button values: {"report": <id>}.
REPORT_SHORTCUT = "report_problem"
REPORT_MODAL = "report_modal"
REPORT_BLOCK = "report_block"
REPORT_ACTION = "report_text"
DECLARE_FROM_REPORT = "report_declare"
DISMISS_REPORT = "report_dismiss"
DISMISS_MODAL = "report_dismiss_modal"
REASON_BLOCK = "reason_block"
REASON_ACTION = "reason"

# The message shortcut "Add to outage timeline", and the button choosing the incident a pin belongs to
# (value: {"incident": <number>, "channel": <id>, "ts": <message ts>, "user": <author>}).
PIN_SHORTCUT = "add_to_timeline"
PIN_TO_INCIDENT = "pin_to_incident"

# App Home buttons.
HOME_DECLARE = "home_declare"
HOME_REPORT = "home_report"
# The postmortem: the "Edit postmortem" button and the modal it opens (one input block per section key).
EDIT_POSTMORTEM = "postmortem_edit"
POSTMORTEM_MODAL = "postmortem_modal"
