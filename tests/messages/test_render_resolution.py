"""A resolution summary up to 40,000 characters: the question shows what fits and the button carries a token;
posts cut the summary with a link to the whole on the incident page."""

from __future__ import annotations

from incidentbot.messages import company_resolved, confirm_resolve, ids, resolved_post, root_message
from tests.messages.render_support import URL, all_text, button_values, incident, later, valid

LONG = ("Rolled back card-router <@U2> & friends. " * 1000)[:40_000]
LINK = f"{URL}/incidents/OUT-12#timeline|Read the full text on the incident page"


def test_confirm_resolve_with_a_token_carries_only_the_token() -> None:
    msg = valid(confirm_resolve(incident(), summary="Cert renewed", token="tok"))
    assert button_values(msg)[ids.CONFIRM_RESOLVE] == {"incident": 12, "pending": "tok"}
    assert "*Resolution:* Cert renewed" in all_text(msg)


def test_confirm_resolve_shows_the_start_of_a_huge_summary_and_that_all_of_it_is_saved() -> None:
    msg = valid(confirm_resolve(incident(), summary=LONG, token="tok"))
    text = all_text(msg)
    assert "*Resolution:* Rolled back card-router <@U2> & friends." in text
    assert "all 40,000 characters are saved" in text
    assert button_values(msg)[ids.CONFIRM_RESOLVE] == {"incident": 12, "pending": "tok"}


def test_resolution_posts_cut_a_long_summary_with_a_link_to_the_whole() -> None:
    inc = incident(severity=1, company_wide=True)
    inc.resolve(actor="U1", now=later(45), summary=LONG)
    for msg in (resolved_post(inc, actor="U1", public_url=URL), company_resolved(inc, public_url=URL),
                root_message(inc, public_url=URL, now=later(46))):  # fmt: skip
        text = all_text(valid(msg))
        assert LINK in text and "Rolled back card-router <@U2>" in text


def test_a_short_resolution_is_posted_whole_without_a_link() -> None:
    inc = incident()
    inc.resolve(actor="U1", now=later(45), summary="Fixed <@U2>")
    text = all_text(valid(resolved_post(inc, actor="U1", public_url=URL)))
    assert "*Resolution:* Fixed <@U2>" in text and "full text" not in text
