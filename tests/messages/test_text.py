"""Text safety: escaping, neutralising broadcasts, trimming without breaking tokens."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from incidentbot.messages import text as t
from incidentbot.messages.company import announcement, company_update, daily_digest
from tests.messages.render_support import BROADCASTS, NOW, URL, all_text, incident, valid

TOKEN = re.compile(r"<[^<>]*>|&#?[0-9A-Za-z]{1,10};")
PIECES = [
    "<!channel>", "<!here>", "<!everyone>", "<!channel|@channel>", "<!here|here>", "<!subteam^S123|@oncall>",
    "<!subteam^S123>", "<!group>", "<!date^1714557600^{time}|10:00>", "<@U1>", "<@U1|bob>", "<#C1|ops>",
    "<https://x.example/a?b=1&amp;c=2|the page>", "&amp;", "&lt;", "&gt;", "&#39;", "<!", "<", ">", "!", "|",
    "^", "@", "&", ";", "channel", "here", " ", "\n", "é", "🔴",
]  # fmt: skip
slack_text = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=5)), max_size=40).map("".join)


# ----- escape ---------------------------------------------------------------------------------------------


def test_escape_makes_raw_text_slack_escaped_form() -> None:
    assert t.escape("a & b <c> <!channel>") == "a &amp; b &lt;c&gt; &lt;!channel&gt;"


def test_escape_then_inert_leaves_no_live_broadcast() -> None:
    assert "<!" not in t.inert(t.escape("<!channel> <!here>"))


# ----- inert ----------------------------------------------------------------------------------------------


def test_inert_turns_broadcasts_into_plain_words() -> None:
    assert t.inert("<!channel> <!here> <!everyone>") == "@channel @here @everyone"
    assert t.inert("<!channel|@channel> <!here|here> <!everyone|everyone>") == "@channel @here @everyone"


def test_inert_turns_user_groups_into_their_handle() -> None:
    assert t.inert("ping <!subteam^S123|@oncall> now") == "ping @oncall now"
    assert t.inert("ping <!subteam^S123> now") == "ping @group now"


def test_inert_keeps_mentions_links_channels_and_dates() -> None:
    kept = "<@U1> <@U1|bob> <https://x.example|page> <#C1|ops> <!date^1714557600^{time}|10:00>"
    assert t.inert(kept) == kept


def test_inert_neutralises_any_other_special_command() -> None:
    assert t.inert("<!admin>") == "@admin"
    assert t.inert("<!foo^x|label>") == "@label"


def test_inert_leaves_no_fragment_that_could_join_into_a_token() -> None:
    assert t.inert("<<!here>!channel>") == "&lt;@here!channel&gt;"
    assert t.inert("<!channel") == "&lt;!channel"
    assert t.inert("<<!subteam^S1|!here>") == "&lt;@here"
    assert "<!" not in t.inert("<!date^1^x|y") + ">"


def test_inert_keeps_entities() -> None:
    assert t.inert("a &amp; b &lt;!channel&gt;") == "a &amp; b &lt;!channel&gt;"


@given(slack_text)
def test_inert_never_leaves_a_broadcast(text: str) -> None:
    safe = t.inert(text)
    for broadcast in BROADCASTS:
        assert broadcast not in safe
    assert all(m.startswith("<!date^") for m in re.findall(r"<![^<>]*", safe))


@given(slack_text)
def test_inert_is_idempotent(text: str) -> None:
    assert t.inert(t.inert(text)) == t.inert(text)


@given(st.lists(slack_text, min_size=2, max_size=4))
def test_inert_pieces_cannot_combine_into_a_broadcast(pieces: list[str]) -> None:
    joined = "".join(t.inert(p) for p in pieces)
    for broadcast in BROADCASTS:
        assert broadcast not in joined


# ----- trim -----------------------------------------------------------------------------------------------


def test_trim_leaves_short_text_alone() -> None:
    assert t.trim("short", 5) == "short"


def test_trim_cuts_with_an_ellipsis() -> None:
    assert t.trim("abcdefghij", 5) == "abcd…"


def test_trim_never_cuts_inside_a_mention() -> None:
    text = "see <@U12345|bob> now"
    for limit in range(5, 18):
        assert t.trim(text, limit) == "see…"
    assert t.trim(text, 19) == "see <@U12345|bob>…"


def test_trim_never_cuts_inside_an_entity() -> None:
    text = "a &amp; b"
    assert t.trim(text, 4) == "a…"
    assert t.trim(text, 6) == "a…"
    assert t.trim(text, 8) == "a &amp;…"


def test_trim_drops_a_token_longer_than_the_limit() -> None:
    assert t.trim("<https://example.com/a/very/long/path|label> after", 10) == "…"


def test_trim_of_a_tiny_limit() -> None:
    assert t.trim("abc", 1) == "…"
    assert t.trim("abc", 0) == ""


@given(slack_text, st.integers(min_value=0, max_value=120))
def test_trim_fits_and_never_ends_inside_a_token(text: str, limit: int) -> None:
    trimmed = t.trim(text, limit)
    assert len(trimmed) <= limit
    if len(text) <= limit:
        assert trimmed == text
        return
    kept = trimmed.removesuffix(t.ELLIPSIS)
    assert text.startswith(kept)
    assert not any(m.start() < len(kept) < m.end() for m in TOKEN.finditer(text))


def test_ten_thousand_characters_fit_a_section() -> None:
    assert len(t.trim("x" * 10_000, t.SECTION)) == t.SECTION


# ----- mentions and dates ---------------------------------------------------------------------------------


def test_user_mention() -> None:
    assert t.user("U123") == "<@U123>"


def test_actor_names_the_bot_without_a_mention() -> None:
    assert t.actor("bot") == "incidentbot"
    assert t.actor("U1") == "<@U1>"


def test_date_token_has_epoch_format_and_utc_fallback() -> None:
    moment = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    assert t.date(moment) == "<!date^1714557600^{date_short_pretty} {time}|2024-05-01 10:00 UTC>"
    assert t.date(moment, "{time}") == "<!date^1714557600^{time}|2024-05-01 10:00 UTC>"


def test_date_treats_naive_times_as_utc() -> None:
    assert t.date(datetime(2024, 5, 1, 10, 0)) == t.date(datetime(2024, 5, 1, 10, 0, tzinfo=UTC))


def test_link_label_cannot_break_out_of_the_token() -> None:
    assert t.link("https://x.example/?a=1&b=2", "a|b > c") == "<https://x.example/?a=1&amp;b=2|a¦b &gt; c>"


def test_limits_are_slacks() -> None:
    assert (t.HEADER, t.SECTION, t.CONTEXT, t.BUTTON, t.TOPIC, t.MAX_BLOCKS, t.FALLBACK) == (
        150, 3000, 2000, 75, 250, 50, 3000,
    )  # fmt: skip


# ----- bidirectional controls -----------------------------------------------------------------------------

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_inert_drops_every_bidirectional_control() -> None:
    for control in BIDI_CONTROLS:
        assert t.inert(f"checkout {control}down") == "checkout down", hex(ord(control))
    assert t.inert("exe.\u202etxt and \u2067isolated\u2069 text") == "exe.txt and isolated text"


def test_a_bidi_control_cannot_hide_a_broadcast() -> None:
    assert t.inert("<\u202e!channel>") == "@channel"
    assert t.inert("<@U1|\u202ebob>") == "<@U1|bob>"


def test_company_posts_and_the_digest_carry_no_bidi_control() -> None:
    summary = "checkout \u202edown\u202c for \u2066EU\u2069 \u200fusers\u200e \u061c"
    declared = incident(summary=summary, company_wide=True)
    rendered = [
        announcement(declared, public_url=URL, now=NOW),
        company_update(declared, text="rolled \u202eback", actor="U1"),
        daily_digest([declared], [], [declared], now=NOW, tz=UTC),
    ]
    texts = [all_text(valid(message)) for message in rendered]
    assert "checkout down for EU users" in texts[0] and "checkout down for EU users" in texts[2]
    assert "rolled back" in texts[1]
    for text in texts:
        assert not set(BIDI_CONTROLS) & set(text), text


@given(slack_text, st.lists(st.sampled_from(BIDI_CONTROLS), min_size=1, max_size=5))
def test_inert_never_lets_a_bidi_control_through(text: str, controls: list[str]) -> None:
    shown = t.inert(controls[0] + text + "".join(controls))
    assert not set(BIDI_CONTROLS) & set(shown)
