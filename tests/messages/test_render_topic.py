"""The channel topic from the worst few open incidents and their count reads as it did from all of them."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from incidentbot.domain.model import Incident, Status
from incidentbot.messages import channel_topic
from incidentbot.messages import text as t
from incidentbot.messages.topic import _SHORTEST_ITEM, TOPIC_ROOM, _fit, _item, _more, _size
from tests.messages.render_support import HOSTILE, POLICY, URL, incident, later


def old_topic(incidents: list[Incident], *, public_url: str) -> str:
    """The topic as it was computed before: every item rendered, joined again for each count from all down."""
    ordered = sorted((i for i in incidents if i.is_open), key=lambda i: (i.severity, i.number or 0))
    if not ordered:
        return "No open outages"
    items = [_item(i, public_url) for i in ordered]
    for count in range(len(items), 0, -1):
        text = " | ".join(items[:count]) + _more(len(items) - count)
        if _size(text) <= t.TOPIC:
            return text
    more = _more(len(items) - 1)
    room = t.TOPIC - _size(more) - _size(_item(ordered[0], public_url, summary_limit=0))
    return _fit(_item(ordered[0], public_url, summary_limit=max(room, 0)) + more)


def worst_first(incidents: list[Incident]) -> list[Incident]:
    """What the store reads: the open ones, worst first, at most TOPIC_ROOM of them."""
    return sorted((i for i in incidents if i.is_open), key=lambda i: (i.severity, i.number or 0))[:TOPIC_ROOM]


def shortest(number: int) -> Incident:
    """The shortest item there can be: no prefix, no summary, no public URL, a ten-letter status."""
    made = incident(number, severity=1, id_prefix="", summary="x")
    made.summary = ""
    made.post_update(text="found it", actor="U1", now=later(1), policy=POLICY, status=Status.IDENTIFIED)
    return made


SUMMARIES = st.one_of(
    st.sampled_from(["checkout down", "x", HOSTILE, HOSTILE * 10, "🔥" * 130, "a" * 300, "&amp; <@U1> " * 20]),
    st.text(min_size=1, max_size=160).filter(str.strip),
)


@st.composite
def incidents(draw: st.DrawFn) -> list[Incident]:
    made = []
    numbers = draw(st.lists(st.integers(min_value=1, max_value=100_000), max_size=40, unique=True))
    for number in numbers:
        one = incident(number, severity=draw(st.integers(1, 4)), summary=draw(SUMMARIES),
                       drill=draw(st.booleans()), id_prefix=draw(st.sampled_from(["OUT", "X", "INCIDENTSS"])))
        match draw(st.sampled_from(["open", "open", "open", "identified", "resolved", "cancelled"])):
            case "identified":
                one.post_update(text="found it", actor="U1", now=later(1), policy=POLICY, status=Status.IDENTIFIED)
            case "resolved":
                one.resolve(actor="U1", now=later(2))
            case "cancelled":
                one.cancel(actor="U1", now=later(2))
        made.append(one)
    return made


@settings(max_examples=400, deadline=None)
@given(incidents(), st.sampled_from([URL, "", "https://a.example.com/" + "very-long-path/" * 6]))
@example([shortest(n) for n in range(1, 60)], "")
@example([incident(n, summary="outage " * n) for n in range(1, 300)], URL)
@example([incident(12, summary=HOSTILE * 10), incident(13)], URL)
def test_the_worst_few_and_the_count_give_the_old_topic(generated: list[Incident], public_url: str) -> None:
    before = old_topic(generated, public_url=public_url)
    total = sum(i.is_open for i in generated)
    assert channel_topic(worst_first(generated), public_url=public_url, total=total) == before
    assert channel_topic(generated, public_url=public_url) == before


def test_the_old_topic_of_many_counts_the_rest() -> None:
    many = [incident(n, severity=1 + n % 4, summary=f"outage {n}") for n in range(1, 301)]
    topic = channel_topic(worst_first(many), public_url=URL, total=300)
    assert topic == old_topic(many, public_url=URL)
    assert topic.endswith(" | +298 more") and topic.startswith("🔴 OUT-4 SEV1")


def test_one_item_too_long_for_the_topic_is_shortened_as_before() -> None:
    many = [incident(n, summary=HOSTILE * 10) for n in range(1, 40)]
    topic = channel_topic(worst_first(many), public_url=URL, total=39)
    assert topic == old_topic(many, public_url=URL)
    assert topic.endswith(" | +38 more") and "…" in topic and _size(topic) <= t.TOPIC


def test_the_room_holds_the_most_items_that_fit() -> None:
    for count in range(1, 3 * TOPIC_ROOM):
        few = [shortest(n) for n in range(1, count + 1)]
        assert channel_topic(worst_first(few), public_url="", total=count) == old_topic(few, public_url="")


def test_no_item_is_shorter_than_the_room_assumes() -> None:
    item = channel_topic([shortest(1)], public_url="")
    assert item == "🔴 -1 SEV1 identified:  · </incidents/-1|page>"
    assert len(item) >= len(_SHORTEST_ITEM)
    topic = channel_topic([shortest(n) for n in range(1, 100)], public_url="")
    assert topic.count("|page>") <= TOPIC_ROOM
