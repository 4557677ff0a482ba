"""Reports of problems: the triage post and its answers, the report form, and what the reporter is told."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from incidentbot.messages import ids
from incidentbot.messages import text as t
from incidentbot.messages.message import Message, actions, button, compose, context, plain, say, section
from incidentbot.messages.modal import TITLE, View
from incidentbot.store.reports import Report

REPORT_MAX = 1000


def triage_post(report: Report) -> Message:
    """The report in the triage channel, with the two answers."""
    value = {"report": report.id}
    return compose(f"{report.label}: problem reported by {t.user(report.reporter)}", [
        section(f"🚨 *Problem reported* ({report.label}) by {t.user(report.reporter)}:\n{report.text}"),
        context(f"Reported {t.date(report.reported_at)}. Declare an outage from it, or say it is not one."),
        actions(button("Declare from this", action_id=ids.DECLARE_FROM_REPORT, value=value, style="primary"),
                button("Not an outage", action_id=ids.DISMISS_REPORT, value=value)),
    ])  # fmt: skip


def triage_answered(report: Report, *, outcome: str) -> Message:
    """The triage post once answered: the buttons are gone, the answer is said."""
    return compose(f"{report.label}: {outcome}", [
        section(f"*Problem reported* ({report.label}) by {t.user(report.reporter)}:\n{report.text}"),
        context(outcome),
    ])  # fmt: skip


def report_received(report: Report, *, channel: str, response: timedelta) -> str:
    minutes = max(1, int(response.total_seconds() // 60))
    return (f"Thanks: your report {report.label} is in #{channel}. Someone will pick it up within {minutes} "
            "minutes, and you will be told what became of it.")


def reporter_told(report: Report, *, by: str, at: datetime, outcome: str) -> Message:
    return say(f"Your report {report.label} (“{t.one_line(report.text)[:200]}”) was picked up by {t.user(by)} "
               f"{t.date(at)}: {outcome}")


def escalation_post(report: Report, *, waited: timedelta, responders: list[str]) -> Message:
    minutes = int(waited.total_seconds() // 60)
    who = ", ".join(t.user(u) for u in responders) or "nobody is configured (`responders`)"
    return say(f"⏰ Nobody has answered {report.label} for {minutes} minutes. Escalated to: {who}.")


def escalation_dm(report: Report, *, channel: str) -> Message:
    return say(f"⏰ A problem reported by {t.user(report.reporter)} ({report.label}) has had no answer in "
               f"#{channel}: “{t.one_line(report.text)[:300]}”. Please look at it and declare or dismiss it.")


def report_modal() -> View:
    element = {"type": "plain_text_input", "action_id": ids.REPORT_ACTION, "multiline": True,
               "max_length": REPORT_MAX, "placeholder": plain("What do you see, where, since when?", 150)}
    return {
        "type": "modal", "callback_id": ids.REPORT_MODAL, "title": plain("Report a problem", TITLE),
        "submit": plain("Report", TITLE), "close": plain("Cancel", TITLE),
        "blocks": [_input(ids.REPORT_BLOCK, "What is wrong?", element)],
    }  # fmt: skip


def dismiss_modal(report: Report, *, channel: str, ts: str) -> View:
    element = {"type": "plain_text_input", "action_id": ids.REASON_ACTION, "max_length": 500,
               "placeholder": plain("Why is this not an outage?", 150)}
    return {
        "type": "modal", "callback_id": ids.DISMISS_MODAL, "title": plain("Not an outage", TITLE),
        "submit": plain("Dismiss report", TITLE), "close": plain("Cancel", TITLE),
        "private_metadata": f"{report.id}:{channel}:{ts}",
        "blocks": [section(f"{report.label} by {t.user(report.reporter)}:\n{report.text}"),
                   _input(ids.REASON_BLOCK, "Reason", element)],
    }  # fmt: skip


def _input(block_id: str, label: str, element: dict[str, Any]) -> dict[str, Any]:
    return {"type": "input", "block_id": block_id, "label": plain(label, 2000), "element": element}
