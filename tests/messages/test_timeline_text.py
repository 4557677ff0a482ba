"""Timeline text is stored with plain user ids; Slack shows the people it names as mentions, nothing else."""

from __future__ import annotations

from datetime import UTC, datetime

from incidentbot.domain.timeline import BOT, Kind, TimelineEvent
from incidentbot.messages.words import event_text

AT = datetime(2026, 11, 22, 3, 0, tzinfo=UTC)


def test_the_people_an_event_names_become_mentions() -> None:
    event = TimelineEvent(at=AT, kind=Kind.HANDOFF_EXPIRED, actor=BOT,
                          text="No answer from U0BOB: the commander role stays with U0AL", people=("U0BOB", "U0AL"))
    assert event_text(event) == "No answer from <@U0BOB>: the commander role stays with <@U0AL>"


def test_only_whole_words_are_people_and_user_text_is_left_alone() -> None:
    named = TimelineEvent(at=AT, kind=Kind.UPDATE_DUE, actor=BOT, text="U1 U12 xU1 U1x due from U1", people=("U1",))
    assert event_text(named) == "<@U1> U12 xU1 U1x due from <@U1>"
    typed = TimelineEvent(at=AT, kind=Kind.NOTE, actor="U1", text="ask U1 about <@U2>")
    assert event_text(typed) == "ask U1 about <@U2>"
