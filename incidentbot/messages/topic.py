"""The topic of a division's outage channel: which outages are open there, and where to read about them."""

from __future__ import annotations

from incidentbot.domain.model import Incident
from incidentbot.messages import text as t
from incidentbot.messages import words as w

NO_OPEN_TOPIC = w.NO_OPEN.rstrip(".")
SEPARATOR = " | "


def channel_topic(incidents: list[Incident], *, public_url: str) -> str:
    """`🔴 OUT-12 SEV2 investigating: checkout down · <url|page>`, one item per open incident.

    Worst first; when they do not all fit, whole items are dropped and counted as `+N more`; a single
    item that is too long on its own has its summary shortened.
    """
    ordered = sorted((i for i in incidents if i.is_open), key=lambda i: (i.severity, i.number or 0))
    if not ordered:
        return NO_OPEN_TOPIC
    items = [_item(i, public_url) for i in ordered]
    for count in range(len(items), 0, -1):
        text = SEPARATOR.join(items[:count]) + _more(len(items) - count)
        if _size(text) <= t.TOPIC:
            return text
    more = _more(len(items) - 1)
    room = t.TOPIC - _size(more) - _size(_item(ordered[0], public_url, summary_limit=0))
    return _fit(_item(ordered[0], public_url, summary_limit=max(room, 0)) + more)


def _item(incident: Incident, public_url: str, summary_limit: int = w.SUMMARY_IN_LINE) -> str:
    return t.inert(f"{w.summary_line(incident, summary_limit)} · {w.page_link(incident, public_url, 'page')}")


def _fit(text: str) -> str:
    limit = t.TOPIC
    while _size(fitted := t.trim(text, limit)) > t.TOPIC:
        limit -= _size(fitted) - t.TOPIC
    return fitted


def _more(count: int) -> str:
    return f"{SEPARATOR}+{count} more" if count else ""


def _size(text: str) -> int:
    """Length as Slack may count it (UTF-16 code units): never less than Python's `len`."""
    return len(text.encode("utf-16-le")) // 2
