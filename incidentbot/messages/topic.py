"""The topic of a division's outage channel: which outages are open there, and where to read about them."""

from __future__ import annotations

from incidentbot.domain.model import Incident
from incidentbot.messages import text as t
from incidentbot.messages import words as w

NO_OPEN_TOPIC = w.NO_OPEN.rstrip(".")
SEPARATOR = " | "

# No item is shorter than this one: a one-letter emoji, an empty prefix, the shortest open status, no summary
# and no public URL. Real items are twice as long.
_SHORTEST_ITEM = "⚫ -1 SEV1 identified:  · </incidents/-1|page>"
# The most items a topic can ever show, so the most incidents a caller needs to read: the worst TOPIC_ROOM of
# a division's open incidents and their count give the same topic as all of them.
TOPIC_ROOM = (t.TOPIC + len(SEPARATOR)) // (len(_SHORTEST_ITEM) + len(SEPARATOR))


def channel_topic(incidents: list[Incident], *, public_url: str, total: int | None = None) -> str:
    """`🔴 OUT-12 SEV2 investigating: checkout down · <url|page>`, one item per open incident.

    Worst first; when they do not all fit, whole items are dropped and counted as `+N more`; a single
    item that is too long on its own has its summary shortened. `incidents` may be only the worst
    TOPIC_ROOM of the `total` open ones: the rest could never be shown, only counted.
    """
    ordered = sorted((i for i in incidents if i.is_open), key=lambda i: (i.severity, i.number or 0))
    if not ordered:
        return NO_OPEN_TOPIC
    total = len(ordered) if total is None else max(total, len(ordered))
    shown: list[str] = []
    size = 0
    # Each item adds more than a shorter `+N more` saves, so the first item that does not fit ends the topic.
    for incident in ordered:
        item = _item(incident, public_url)
        grown = size + (len(SEPARATOR) if shown else 0) + _size(item)
        if grown + _size(_more(total - len(shown) - 1)) > t.TOPIC:
            break
        shown.append(item)
        size = grown
    if shown:
        return SEPARATOR.join(shown) + _more(total - len(shown))
    more = _more(total - 1)
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
