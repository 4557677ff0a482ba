"""Signing in to the pages with `/outage web`: a one-time, 15-minute link, a 30-day HTTP-only session."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select

from incidentbot.emulator import FakeSlack
from incidentbot.store.tables import web_sessions
from tests.support.harness import Harness, start_harness


def sign_in_link(bot: Harness, user: str = "U0ALICE") -> str:
    """Ask for a link with `/outage web` and read it out of the DM, as the person would."""
    assert "Sent you a sign-in link" in bot.reply("web", user=user)
    # The link is the newest DM that carries one (the outbox may still be delivering the person's other DMs).
    links = [found.group(1) for dm in bot.fake.dms(user)
             if (found := re.search(r"<(https?://[^|>]+/signin/[^|>]+)\|", dm.text))]
    assert links, [dm.text for dm in bot.fake.dms(user)]
    return links[-1]


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_link_signs_in_once_as_the_slack_user_with_a_safe_cookie(bot: Harness) -> None:
    link = sign_in_link(bot)
    bot.http.cookies.clear()
    assert bot.http.get("/incidents").status_code == 401
    confirm = bot.http.get(path_of(link))  # a GET (a link preview) shows a button and uses nothing up
    assert confirm.status_code == 200 and ">Sign in</button>" in confirm.text
    secret = path_of(link).rsplit("/", 1)[1]
    signed = bot.http.post("/signin", data={"secret": secret}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/incidents"
    cookie = signed.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=2592000" in cookie
    assert "Secure" not in cookie  # public_url is http:// in the harness
    page = bot.http.get("/incidents")
    # By the name her Slack requests carry (`/outage web` gave it), not her member id.
    assert page.status_code == 200 and "Signed in as u0alice" in page.text and ">Declare</button>" in page.text

    again = bot.http.post("/signin", data={"secret": secret})
    assert again.status_code == 410 and "already used" in again.text and "/outage web" in again.text
    assert "already used" in bot.http.get(path_of(link)).text
    with bot.bot.db.read_engine.connect() as conn:
        stored = set(conn.execute(select(web_sessions.c.token_hash)).scalars())
    assert secret not in str(stored) and all(len(h) == 64 for h in stored)  # only hashes are kept


def test_an_expired_link_says_so_and_how_to_get_a_new_one(bot: Harness) -> None:
    link = sign_in_link(bot)
    bot.clock.advance(timedelta(minutes=16))
    answer = bot.http.get(path_of(link))
    assert answer.status_code == 410 and "expired" in answer.text and "/outage web" in answer.text
    secret = path_of(link).rsplit("/", 1)[1]
    assert bot.http.post("/signin", data={"secret": secret}).status_code == 410
    assert bot.http.post("/signin", data={"secret": "made-up"}).status_code == 400


def test_a_session_lasts_30_days(bot: Harness) -> None:
    link = sign_in_link(bot)
    bot.http.cookies.clear()
    bot.http.post("/signin", data={"secret": path_of(link).rsplit("/", 1)[1]})
    bot.clock.advance(timedelta(days=29))
    assert bot.http.get("/incidents").status_code == 200
    assert bot.http.get("/api/incidents").status_code == 200  # a session reads the API too
    bot.clock.advance(timedelta(days=2))
    assert bot.http.get("/incidents").status_code == 401


def test_public_pages_are_readable_by_anyone_but_change_nothing(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path,
                       config={"public_pages": True}) as bot:  # fmt: skip
        bot.reply("declare --division payments --sev 2 Card payments failing")
        bot.http.cookies.clear()
        page = bot.http.get("/incidents/OUT-1")
        assert page.status_code == 200 and "Card payments failing" in page.text
        assert "Post update" not in page.text and "/outage web" in page.text
        assert bot.http.get("/api/incidents").status_code == 401  # the API is not a page
        refused = bot.http.post("/incidents/OUT-1/note", data={"text": "hi", "csrf": ""})
        assert refused.status_code == 401
        assert bot.http.post("/api/incidents/OUT-1/notes", json={"text": "hi"}).status_code == 401


def test_web_takes_no_arguments_and_says_when_slack_did_not_take_the_dm(bot: Harness) -> None:
    assert "takes nothing more" in bot.reply("web please")
    bot.fake.error("chat.postMessage", "channel_not_found")
    assert "did not deliver the sign-in link" in bot.reply("web")
    with bot.bot.db.read_engine.connect() as conn:
        links = conn.execute(select(web_sessions.c.kind)).scalars().all()
    assert links == ["link"]  # made, but never shown to anyone: it expires unused
    assert bot.outbox_counts() == {"pending": 0, "delivered": 0, "failed": 0}  # the link never enters the outbox


def test_the_session_cookie_is_secure_when_the_pages_are_served_over_https(
    database_url: str, fake_slack: FakeSlack, tmp_path: Path
) -> None:
    with start_harness(database_url=database_url, fake=fake_slack, tmp_path=tmp_path,
                       config={"public_url": "https://incidents.example.com"}) as bot:  # fmt: skip
        link = sign_in_link(bot)
        assert link.startswith("https://incidents.example.com/signin/")
        signed = bot.http.post("/signin", data={"secret": link.rsplit("/", 1)[1]}, follow_redirects=False)
        assert signed.status_code == 303 and "Secure" in signed.headers["set-cookie"]


def browser(bot: Harness, session: str | None) -> None:
    """Make the test client a browser holding `session` (or no cookie at all)."""
    bot.http.cookies.clear()
    if session is not None:
        bot.http.cookies.set("incidentbot_session", session)


def signed_in(bot: Harness) -> str:
    """Follow a fresh link in a browser with no cookie; the session it holds now."""
    from tests.web.test_write_api import signed_in as sign_in  # inside: importing it would collect its tests here

    sign_in(bot)
    session = bot.http.cookies.get("incidentbot_session")
    assert session
    return session


def test_signing_out_ends_the_session_on_this_browser_only(bot: Harness) -> None:
    laptop, phone = signed_in(bot), signed_in(bot)
    browser(bot, laptop)
    page = bot.http.get("/incidents").text
    assert "Signed in as u0alice" in page and 'action="/signout"' in page and ">Sign out</button>" in page
    # A page of another site cannot sign anyone out.
    foreign = bot.http.post("/signout", headers={"Origin": "https://evil.example"}, follow_redirects=False)
    assert foreign.status_code == 400 and bot.http.get("/incidents").status_code == 200

    out = bot.http.post("/signout", follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/incidents"
    assert 'incidentbot_session=""' in out.headers["set-cookie"] and "Max-Age=0" in out.headers["set-cookie"]
    assert bot.http.get("/incidents").status_code == 401
    # The old cookie, kept or stolen, opens nothing any more; the phone's still does.
    browser(bot, laptop)
    assert bot.http.get("/incidents").status_code == 401
    browser(bot, phone)
    assert bot.http.get("/incidents").status_code == 200
    browser(bot, None)
    assert bot.http.post("/signout", follow_redirects=False).status_code == 303  # not signed in: harmless
