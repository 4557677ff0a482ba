"""Lists of many open incidents: the renderer is given the first few and the count, and says the same."""

from __future__ import annotations

from incidentbot.messages import incident_list
from incidentbot.messages import text as t
from incidentbot.messages.ephemeral import LIST_ROOM
from tests.messages.render_support import NOW, incident, valid


def test_a_list_of_the_first_few_and_a_count_reads_as_the_whole_list_did() -> None:
    everything = [incident(n, summary=f"outage {n}") for n in range(1, 1001)]
    whole = incident_list(everything, now=NOW)
    first = incident_list(everything[: LIST_ROOM + 1], now=NOW, total=1000)
    assert first == whole
    assert len(first.blocks) == t.MAX_BLOCKS and "open outages" in first.text
    assert "952 more" in str(first.blocks[-1])
    valid(first)


def test_a_list_that_fits_shows_every_incident() -> None:
    for count in (1, LIST_ROOM, LIST_ROOM + 1):
        some = [incident(n) for n in range(1, count + 1)]
        assert incident_list(some, now=NOW, total=count) == incident_list(some, now=NOW)
        assert len(incident_list(some, now=NOW, total=count).blocks) == count + 1
