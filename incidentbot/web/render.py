"""Domain state → what the page templates show: plain text (Slack's escaping undone; Jinja escapes for HTML),
times in the configured time zone, ages in words. Pure: no request, no database."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, tzinfo
from html import unescape

from jinja2 import Environment, PackageLoader, select_autoescape

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.model import Incident, Status
from incidentbot.domain.timeline import TimelineEvent
from incidentbot.store.page_signals import Delivery

ENV = Environment(loader=PackageLoader("incidentbot.web", "templates"), autoescape=select_autoescape(["html"]))
STATUS_CHOICES = [s for s in Status if s.is_open]
_MENTION = re.compile(r"<[@#!]([^>|]+)(?:\|([^>]*))?>")


@dataclass(frozen=True)
class Page:
    """What every page shows around its content: who is signed in, the CSRF token, Slack's state."""

    base: str
    tz: tzinfo
    now: datetime
    delivery: Delivery
    user: str | None = None
    can_write: bool = False
    csrf: str = ""
    divisions: list[str] = field(default_factory=list)
    names: Mapping[str, str] = field(default_factory=dict)  # user id → the name they go by, where known

    def who(self, user_id: str | None) -> str:
        """A person as the pages show them: the name they go by in Slack once known, else their member id."""
        if not user_id:
            return "—"
        return self.names.get(user_id) or user_id


def plain(text: str | None) -> str:
    """Stored text is in Slack's form (&amp; &lt; &gt;, <@U1>): show it as typed."""
    if not text:
        return ""
    return unescape(_MENTION.sub(lambda m: "@" + (m.group(2) or m.group(1)), text))


def when(dt: datetime | None, tz: tzinfo, *, date: bool = True) -> str:
    if dt is None:
        return ""
    local = dt.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M %Z" if date else "%H:%M %Z")


def age(since: datetime, now: datetime) -> str:
    minutes = max(0, int((now - since).total_seconds() // 60))
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    if days:
        return f"{days}d {hours}h"
    return f"{hours}h {mins}m" if hours else f"{mins}m"


def shown(incident: Incident) -> Incident:
    return replace(incident, summary=plain(incident.summary), events=[])


def milestones(incident: Incident) -> list[tuple[str, datetime | None]]:
    """Every milestone, reached (its moment) or not yet (None): started, detected, declared, mitigated, closed."""
    closed = "Cancelled" if incident.status is Status.CANCELLED else "Resolved"
    return [("Started", incident.started_at or incident.declared_at),
            ("Detected", incident.detected_at or incident.declared_at), ("Declared", incident.declared_at),
            ("Mitigated", incident.mitigated_at), (closed, incident.resolved_at)]  # fmt: skip


def status_page(page: Page, open_now: list[Incident], recent: list[Incident], *, version: str = "") -> str:
    return ENV.get_template("incidents.html").render(
        page=page, version=version, open=[shown(i) for i in open_now], recent=[shown(i) for i in recent],
        when=when, age=age, statuses=STATUS_CHOICES,
    )


def incident_page(
    page: Page, incident: Incident, timeline: list[TimelineEvent], *, message: str = "", version: str = "",
    actions: Sequence[ActionItem] = (),
) -> str:  # fmt: skip
    fields = [("Impact", incident.impact), ("Service", incident.service), ("Root cause", incident.root_cause),
              ("Owning team", incident.owner_team), ("Resolution", incident.resolution)]
    events = [{"at": e.at, "actor": e.actor, "kind": str(e.kind).replace("_", " "), "text": plain(e.text)}
              for e in timeline]  # fmt: skip
    mine = [h for h in incident.pending_handoffs if page.user is not None and h.to == page.user]
    return ENV.get_template("incident.html").render(
        page=page, i=shown(incident), timeline=events, when=when, age=age, statuses=STATUS_CHOICES,
        fields=[(name, plain(value)) for name, value in fields if value], milestones=milestones(incident),
        mine=mine, message=message, version=version, actions=[shown_action(a) for a in actions],
    )  # fmt: skip


def shown_action(item: ActionItem) -> ActionItem:
    return replace(item, text=plain(item.text), done_note=plain(item.done_note) or None)


def problem(page: Page, *, title: str, message: str, status: int = 400) -> str:
    return ENV.get_template("problem.html").render(page=page, title=title, message=plain(message), status=status)
