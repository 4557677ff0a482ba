"""Reports, the Home tab and the unfurl card: valid Block Kit, and inert whatever people typed."""

from __future__ import annotations

from datetime import timedelta

from incidentbot.domain.model import Role
from incidentbot.messages import ids
from incidentbot.messages.home import HomeIncidents, home_view, unfurl_card
from incidentbot.messages.message import compose
from incidentbot.messages.reports import (
    dismiss_modal,
    escalation_dm,
    escalation_post,
    report_modal,
    reporter_told,
    triage_answered,
    triage_post,
)
from incidentbot.messages.text import escape
from incidentbot.store.reports import OPEN, Report
from tests.messages.render_support import (
    HOSTILE,
    NOW,
    all_text,
    button_values,
    incident,
    later,
    valid,
    valid_view,
)


def report(text: str = "checkout returns 500") -> Report:
    return Report(id=7, reporter="U2", text=escape(text), reported_at=NOW, state=OPEN)


def test_the_triage_post_carries_both_answers_for_its_report() -> None:
    post = valid(triage_post(report()))
    values = button_values(post)
    assert values[ids.DECLARE_FROM_REPORT] == {"report": 7} and values[ids.DISMISS_REPORT] == {"report": 7}
    assert "R-7" in all_text(post) and "<@U2>" in all_text(post)
    answered = valid(triage_answered(report(), outcome="declared as OUT-3 by <@U1>"))
    assert not button_values(answered) and "OUT-3" in all_text(answered)


def test_report_messages_stay_inert_whatever_was_reported() -> None:
    hostile = report(HOSTILE)
    for message in (triage_post(hostile), triage_answered(hostile, outcome="not an outage"),
                    reporter_told(hostile, by="U1", at=later(3), outcome="not an outage"),
                    escalation_post(hostile, waited=timedelta(minutes=15), responders=["U3", "S4"]),
                    escalation_dm(hostile, channel="company-outage")):  # fmt: skip
        valid(message)
    valid_view(report_modal())
    valid_view(dismiss_modal(hostile, channel="C1", ts="1.2"))


def test_escalation_names_who_is_told_or_that_nobody_is_configured() -> None:
    assert "<@U3>" in all_text(escalation_post(report(), waited=timedelta(minutes=16), responders=["U3"]))
    assert "`responders`" in all_text(escalation_post(report(), waited=timedelta(minutes=16), responders=[]))


def test_the_home_tab_is_a_valid_view_for_everyone() -> None:
    mine = incident(1, summary=HOSTILE)
    mine.request_handoff(role=Role.COMMANDER, to="U5", actor="U1", now=later(1))
    for user in ("U1", "U5", "U9"):
        view = valid_view(home_view(user, HomeIncidents.of(user, [mine]), now=later(90), public_url="https://bot.example.com"))
        assert view["type"] == "home"
    empty = home_view("U9", HomeIncidents.of("U9", []), now=NOW, public_url="https://bot.example.com")
    assert "No outage is open" in str(empty)


def test_the_unfurl_card_is_compact_and_valid() -> None:
    card = unfurl_card(incident(4), now=later(5))
    valid(compose("card", card["blocks"]))
    assert len(card["blocks"]) == 2 and "OUT-4" in str(card) and "SEV2" in str(card)


NONE_OPEN = HomeIncidents(yours=[], yours_total=0, shown=[], total=0)


def test_the_home_tab_has_a_place_for_the_persons_action_items() -> None:
    view = valid_view(home_view("U1", NONE_OPEN, now=NOW, public_url="https://bot.example.com",
                                action_items=["A-3 Add a canary for the refunds queue (OUT-2, due 2026-12-04)"]))
    assert "Your open action items" in str(view) and "A-3 Add a canary" in str(view)
    assert "action items" not in str(home_view("U1", NONE_OPEN, now=NOW, public_url="https://bot.example.com"))
