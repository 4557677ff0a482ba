"""Reports of problems: filed, answered (declared from or dismissed), escalated when nobody answers in time.

The time from `reported_at` to `answered_at` is the report's time to respond (service-quality record).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from incidentbot.domain.due import report_escalation
from incidentbot.domain.model import Incident
from incidentbot.domain.timeline import Kind, TimelineEvent
from incidentbot.messages.message import Message
from incidentbot.messages.reports import escalation_dm, escalation_post, reporter_told, triage_answered, triage_post
from incidentbot.messages.text import escape
from incidentbot.service.context import Caller, Context, Refused
from incidentbot.store import due_work, outbox
from incidentbot.store import reports as store
from incidentbot.store.due_work import DueRow
from incidentbot.store.outbox import OutboxMessage
from incidentbot.store.reports import Report
from incidentbot.store.unit_of_work import UnitOfWork

# The outbox purpose of a user-group look-up whose members are DMed about report `<id>`: "responders:<id>".
RESPONDERS = "responders:"


def file_report(text: str, *, caller: Caller, ctx: Context) -> Report:
    """Record the report, post it to the triage channel, plan its escalation: one transaction."""
    text = text.strip()
    if not text:
        raise Refused("Say what you see, e.g. `/outage report checkout returns errors for EU customers`.",
                      usage="/outage report <what you see>")
    now = ctx.clock()
    with ctx.new_uow() as uow:
        report = store.add(uow.conn, reporter=caller.user_id, text=escape(text), now=now)
        msg = triage_post(report)
        _enqueue(uow, now, report.id, "chat.postMessage",
                 {"channel": "#" + ctx.config.triage_channel, **_content(msg), "unfurl_links": False},
                 purpose=store.TRIAGE_POST)
        due_work.ensure(uow.conn, report_escalation(report.id, now, ctx.config.report_response))
        uow.commit()
    return report


def dismiss(report_id: int, reason: str, *, caller: Caller, ctx: Context) -> Report:
    """"Not an outage": the reason is kept, the triage post says so, the reporter is told."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        report = _open_report(uow, report_id)
        outcome = f"not an outage, said {_who(caller.user_id)}: {reason.strip()}"
        store.answer(uow.conn, report.id, state=store.DISMISSED, by=caller.user_id, now=now, reason=reason.strip())
        _answered(uow, ctx, report, by=caller.user_id, now=now, outcome=outcome)
        uow.commit()
        return report


def link_declared(uow: UnitOfWork, ctx: Context, report_id: int, incident: Incident, *, caller: Caller,
                  now: datetime) -> None:  # fmt: skip
    """Inside the declaring transaction: the report is answered by `incident`, and its timeline links it."""
    assert incident.number is not None
    report = _open_report(uow, report_id)
    store.answer(uow.conn, report.id, state=store.DECLARED, by=caller.user_id, now=now,
                 incident_number=incident.number)
    where = store.triage_message(uow.conn, report.id)
    link = f" ({where[0]}/{where[1]})" if where else ""
    uow.incidents.record(incident.number, TimelineEvent(
        at=now, kind=Kind.REPORT_LINKED, actor=caller.user_id, people=(report.reporter,),
        text=f"Declared from report {report.label} by {report.reporter}{link}: {report.text}"))  # fmt: skip
    outcome = f"declared as {incident.label} by {_who(caller.user_id)}"
    _answered(uow, ctx, report, by=caller.user_id, now=now, outcome=outcome)


def escalate(ctx: Context, uow: UnitOfWork, row: DueRow) -> None:
    """Due work: the report is still unanswered after `report_response`. The thread says so; responders are DMed."""
    now = ctx.clock()
    report = store.get(uow.conn, int(row.role or 0), lock=True)
    due_work.finish(uow.conn, row.id)
    if report is None or report.state != store.OPEN or report.escalated_at is not None:
        uow.commit()
        return
    where = store.triage_message(uow.conn, report.id)
    if where is None and not store.triage_failed(uow.conn, report.id):
        raise RuntimeError(f"{report.label}'s triage post is not delivered yet; escalating later")
    store.mark_escalated(uow.conn, report.id, now=now)
    people = list(ctx.config.responders)
    if where is not None:  # (a triage post that could never be made leaves only the DMs to tell anyone)
        post = escalation_post(report, waited=now - report.reported_at, responders=people)
        _enqueue(uow, now, report.id, "chat.postMessage",
                 {"channel": where[0], "thread_ts": where[1], **_content(post), "unfurl_links": False})
    for responder in people:
        if responder.startswith("S"):
            _enqueue(uow, now, report.id, "usergroups.users.list", {"usergroup": responder},
                     purpose=f"{RESPONDERS}{report.id}")
        else:
            _dm(uow, now, report, responder, escalation_dm(report, channel=ctx.config.triage_channel))
    uow.commit()


def group_members_found(uow: UnitOfWork, report_id: int, users: list[str], *, now: datetime) -> None:
    """A user group named in `responders` was looked up (at delivery): DM each of its members."""
    report = store.get(uow.conn, report_id)
    if report is None:
        return
    told = store.dmed(uow.conn, report_id) - {report.reporter}
    for user in dict.fromkeys(u for u in users if isinstance(u, str) and u not in told):
        _dm(uow, now, report, user, escalation_dm(report, channel="the triage channel"))


def _open_report(uow: UnitOfWork, report_id: int) -> Report:
    report = store.get(uow.conn, report_id, lock=True)
    if report is None:
        raise Refused("That report does not exist (any more).")
    if report.state != store.OPEN:
        assert report.answered_by is not None
        raise Refused(f"{report.label} was already answered by <@{report.answered_by}>.")
    return report


def _answered(uow: UnitOfWork, ctx: Context, report: Report, *, by: str, now: datetime, outcome: str) -> None:
    due_work.forget(uow.conn, report_escalation(report.id, report.reported_at, ctx.config.report_response))
    where = store.triage_message(uow.conn, report.id)
    if where is not None:
        msg = triage_answered(report, outcome=outcome)
        _enqueue(uow, now, report.id, "chat.update", {"channel": where[0], "ts": where[1], **_content(msg)},
                 purpose="report_edit")
    _dm(uow, now, report, report.reporter, reporter_told(report, by=by, at=now, outcome=outcome))


def _dm(uow: UnitOfWork, now: datetime, report: Report, user: str, msg: Message) -> None:
    _enqueue(uow, now, report.id, "chat.postMessage", {"channel": f"@{user}", **_content(msg)}, purpose="dm")


def _enqueue(uow: UnitOfWork, now: datetime, report_id: int, method: str, args: dict[str, Any], *,
             purpose: str = "post") -> None:  # fmt: skip
    message = OutboxMessage(method=method, args=args, ordering_key=store.ordering_key(report_id), purpose=purpose)
    outbox.enqueue(uow.conn, [message], now=now)


def _content(msg: Message) -> dict[str, Any]:
    return {"text": msg.text, "blocks": msg.blocks}


def _who(user: str) -> str:
    return f"<@{user}>"
