"""Incident pages for people: the list and one incident with its timeline (server-rendered, escaped)."""

from __future__ import annotations

from dataclasses import replace
from html import unescape
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from incidentbot.domain.model import Incident

_env = Environment(loader=PackageLoader("incidentbot.web", "templates"), autoescape=select_autoescape(["html"]))


def _plain(incident: Incident) -> Incident:
    """Stored text is in Slack's escaped form (&amp; &lt; &gt;): show it as typed; Jinja escapes it for HTML."""
    return replace(incident, summary=unescape(incident.summary), events=[])


def incidents_page(incidents: list[Incident], *, base: str, open_only: bool) -> str:
    return _env.get_template("incidents.html").render(incidents=[_plain(i) for i in incidents], base=base,
                                                      open_only=open_only)


def incident_page(incident: Incident, timeline: list[Any], *, base: str) -> str:
    fields = [("Impact", incident.impact), ("Service", incident.service), ("Root cause", incident.root_cause),
              ("Owning team", incident.owner_team), ("Resolution", incident.resolution)]
    events = [{"at": e.at, "actor": e.actor, "kind": e.kind, "text": unescape(e.text)} for e in timeline]
    return _env.get_template("incident.html").render(
        i=_plain(incident), timeline=events, base=base,
        fields=[(name, unescape(value) if value else value) for name, value in fields],
    )
