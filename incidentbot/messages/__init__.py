"""Block Kit renderers: pure functions from incident state to Slack messages and views.

No I/O and no clock: whatever time a message shows is passed in. User text is made safe (`inert`) and
fitted to Slack's limits (`trim`) by the block builders in `message`, and nowhere else.
"""

from incidentbot.messages.company import (
    announcement,
    company_resolved,
    company_severity,
    company_update,
    daily_digest,
    rollup,
)
from incidentbot.messages.dm import (
    handoff_request,
    handoff_result_for_requester,
    handoff_withdrawn,
    overdue_dm_for_commander,
    postmortem_reminder,
    role_duties,
    update_due_dm,
)
from incidentbot.messages.ephemeral import (
    candidates,
    confirm_cancel,
    confirm_resolve,
    done,
    error_message,
    help_message,
    incident_list,
    incident_status,
    timeline_message,
)
from incidentbot.messages.incident import incident_summary_line, root_message
from incidentbot.messages.message import Message, finish
from incidentbot.messages.modal import declare_modal, declared_view
from incidentbot.messages.thread import (
    cancelled_post,
    delivery_failed_post,
    handoff_accepted_post,
    handoff_declined_post,
    handoff_expired_post,
    handoff_requested_post,
    resolved_post,
    runbook_post,
    severity_post,
    update_due_post,
    update_overdue_post,
    update_post,
)
from incidentbot.messages.topic import channel_topic

__all__ = [
    "Message",
    "announcement",
    "cancelled_post",
    "candidates",
    "channel_topic",
    "company_resolved",
    "company_severity",
    "company_update",
    "confirm_cancel",
    "confirm_resolve",
    "daily_digest",
    "declare_modal",
    "declared_view",
    "delivery_failed_post",
    "done",
    "error_message",
    "finish",
    "handoff_accepted_post",
    "handoff_declined_post",
    "handoff_expired_post",
    "handoff_request",
    "handoff_requested_post",
    "handoff_result_for_requester",
    "handoff_withdrawn",
    "help_message",
    "incident_list",
    "incident_status",
    "incident_summary_line",
    "overdue_dm_for_commander",
    "postmortem_reminder",
    "resolved_post",
    "role_duties",
    "rollup",
    "root_message",
    "runbook_post",
    "severity_post",
    "timeline_message",
    "update_due_dm",
    "update_due_post",
    "update_overdue_post",
    "update_post",
]
