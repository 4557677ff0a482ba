"""Renderers for channels: the thread root, thread posts, the company channel and the channel topic."""

from __future__ import annotations

from datetime import UTC, timedelta, timezone

import pytest

from incidentbot.domain.model import Handoff, Role, Status
from incidentbot.messages import (
    announcement,
    cancelled_post,
    channel_topic,
    company_resolved,
    company_severity,
    company_update,
    daily_digest,
    delivery_failed_post,
    finish,
    handoff_accepted_post,
    handoff_declined_post,
    handoff_expired_post,
    handoff_requested_post,
    incident_summary_line,
    resolved_post,
    rollup,
    root_message,
    runbook_post,
    severity_post,
    update_due_post,
    update_overdue_post,
    update_post,
)
from incidentbot.messages import text as t
from incidentbot.messages.message import context, section
from tests.messages.render_support import HOSTILE, NOW, POLICY, URL, all_text, dates_in, incident, later, valid

# ----- the thread root ------------------------------------------------------------------------------------


def test_root_message_shows_state_roles_and_next_update() -> None:
    msg = valid(root_message(incident(), public_url=URL, now=NOW))
    assert msg.blocks[0] == {
        "type": "header",
        "text": {"type": "plain_text", "text": "🟠 OUT-12 · SEV2 · investigating", "emoji": True},
    }
    text = all_text(msg)
    for expected in ("checkout down", "*Division*\npayments", "*Scope*\ndivision", "*Commander*\n<@U1>",
                     "*Communicator*\n<@U1>", "*Declared*\n<@U1> · <!date^1714557600^"):  # fmt: skip
        assert expected in text
    assert "*Next update due*\n<!date^1714559400^" in text  # 30 min after declaration for SEV2
    assert f"<{URL}/incidents/OUT-12|Incident page>" in text
    assert "handoff pending" not in text


@pytest.mark.parametrize(("severity", "emoji"), [(1, "🔴"), (2, "🟠"), (3, "🟡"), (4, "🔵")])
def test_root_header_emoji_follows_severity(severity: int, emoji: str) -> None:
    msg = root_message(incident(severity=severity), public_url=URL, now=NOW)
    assert msg.blocks[0]["text"]["text"].startswith(f"{emoji} OUT-12 · SEV{severity}")


def test_root_marks_drills_and_company_wide_scope() -> None:
    msg = valid(root_message(incident(drill=True, company_wide=True), public_url=URL, now=NOW))
    assert msg.blocks[0]["text"]["text"] == "DRILL · 🟠 OUT-12 · SEV2 · investigating"
    assert "*Scope*\ncompany-wide" in all_text(msg)
    assert "Drill (game day)" in all_text(msg)


def test_root_shows_pending_handoffs() -> None:
    inc = incident(commander="U2", communicator="U3")
    text = all_text(valid(root_message(inc, public_url=URL, now=NOW)))
    assert "handoff pending: commander → <@U2>" in text
    assert "handoff pending: communicator → <@U3>" in text
    assert "*Commander*\n<@U1>" in text  # the declarer holds the role until the ack


def test_root_shows_last_update_and_overdue_warning() -> None:
    inc = incident()
    inc.post_update(text="Rolled back the deploy", actor="U1", now=later(5), policy=POLICY, status=Status.IDENTIFIED)
    msg = valid(root_message(inc, public_url=URL, now=later(60)))
    text = all_text(msg)
    assert msg.blocks[0]["text"]["text"] == "🟠 OUT-12 · SEV2 · identified"
    assert "*Last update* · <!date^" in text and "Rolled back the deploy" in text
    assert "⚠️ overdue since <!date^1714559700^" in text


def test_root_when_resolved_shows_resolution_and_no_due_time() -> None:
    inc = incident()
    inc.resolve(actor="U1", now=later(72), summary="Config reverted")
    msg = valid(root_message(inc, public_url=URL, now=later(72)))
    text = all_text(msg)
    assert msg.blocks[0]["text"]["text"] == "✅ OUT-12 · SEV2 · resolved"
    assert "*Next update due*\n—" in text
    assert "*Resolution*" in text and "after 1 h 12 min" in text and "Config reverted" in text


def test_root_when_cancelled() -> None:
    inc = incident()
    inc.cancel(actor="U1", now=later(3))
    msg = valid(root_message(inc, public_url=URL, now=later(3)))
    assert msg.blocks[0]["text"]["text"] == "⚪ OUT-12 · SEV2 · cancelled"
    assert "Cancelled: declared in error." in all_text(msg)


def test_root_shows_bookkeeping_fields_when_set() -> None:
    inc = incident()
    inc.set_fields(values={"impact": "EU card payments", "root_cause": "expired cert"}, actor="U1", now=later(1))
    text = all_text(valid(root_message(inc, public_url=URL, now=later(1))))
    assert "*Impact*\nEU card payments" in text and "*Root cause*\nexpired cert" in text


def test_root_never_repeats_a_broadcast_and_keeps_mentions() -> None:
    inc = incident(summary=HOSTILE)
    inc.post_update(text=HOSTILE, actor="U1", now=later(1), policy=POLICY)
    msg = valid(root_message(inc, public_url=URL, now=later(1)))
    assert "@channel" in msg.text and "<@U9|bob>" in msg.text
    assert "@oncall" in all_text(msg)


def test_root_trims_huge_text_to_block_limits() -> None:
    inc = incident(summary="x" * 10_000)
    inc.post_update(text="y" * 10_000, actor="U1", now=later(1), policy=POLICY)
    msg = valid(root_message(inc, public_url=URL, now=later(1)))
    assert len(msg.blocks[1]["text"]["text"]) == t.SECTION
    assert msg.blocks[1]["text"]["text"].endswith("…")
    assert len(msg.text) <= t.FALLBACK


def test_summary_line() -> None:
    assert incident_summary_line(incident()) == "🟠 OUT-12 SEV2 investigating: checkout down"
    assert incident_summary_line(incident(drill=True)).startswith("DRILL 🟠 OUT-12")
    assert "\n" not in incident_summary_line(incident(summary="two\nlines"))


# ----- thread posts ---------------------------------------------------------------------------------------


def test_update_post_names_author_status_change_and_next_due() -> None:
    inc = incident()
    inc.post_update(text="Found it", actor="U2", now=later(5), policy=POLICY, status=Status.IDENTIFIED)
    msg = valid(update_post(inc, text="Found it", actor="U2", status_changed_from=Status.INVESTIGATING))
    text = all_text(msg)
    assert "*OUT-12 update* from <@U2> · status investigating → identified\nFound it" in text
    assert "Next update due: <!date^" in text
    assert msg.text == "OUT-12 update: Found it"


def test_update_post_without_status_change() -> None:
    text = all_text(valid(update_post(incident(), text="Still digging", actor="U1", status_changed_from=None)))
    assert "status" not in text


def test_severity_post_escalation_to_sev1() -> None:
    inc = incident(severity=3)
    inc.change_severity(severity=1, actor="U1", now=later(2), policy=POLICY)
    text = all_text(valid(severity_post(inc, old=3, actor="U1")))
    assert "⬆️ <@U1> escalated OUT-12 from SEV3 to SEV1. It is now company-wide." in text


def test_severity_post_lowering() -> None:
    inc = incident(severity=2)
    inc.change_severity(severity=4, actor="U1", now=later(2), policy=POLICY)
    assert "⬇️ <@U1> lowered OUT-12 from SEV2 to SEV4." in all_text(valid(severity_post(inc, old=2, actor="U1")))


def test_resolved_post() -> None:
    inc = incident()
    inc.resolve(actor="U1", now=later(72), summary="Reverted")
    text = all_text(valid(resolved_post(inc, actor="U1")))
    assert "✅ <@U1> resolved OUT-12 after 1 h 12 min." in text and "*Resolution:* Reverted" in text
    assert "/outage postmortem OUT-12" in text


def test_cancelled_post() -> None:
    inc = incident(drill=True)
    inc.cancel(actor="U1", now=later(1))
    assert "⚪ <@U1> cancelled DRILL OUT-12: declared in error." in all_text(valid(cancelled_post(inc, actor="U1")))


def test_handoff_posts() -> None:
    inc = incident(commander="U2")
    handoff = inc.pending_handoffs[0]
    requested = all_text(valid(handoff_requested_post(inc, handoff)))
    assert "handoff pending: commander → <@U2>, requested by <@U1>" in requested
    assert "<@U1> stays commander until <@U2> accepts" in requested
    assert "<@U2> is now the commander of OUT-12, taking over from <@U1>" in all_text(
        valid(handoff_accepted_post(inc, role=Role.COMMANDER, user="U2", previous="U1"))
    )
    assert "<@U2> declined the commander role of OUT-12: the commander role stays with <@U1>" in all_text(
        valid(handoff_declined_post(inc, role=Role.COMMANDER, user="U2"))
    )
    assert "No answer from <@U2> on OUT-12: the commander role stays with <@U1>" in all_text(
        valid(handoff_expired_post(inc, handoff))
    )


def test_update_due_post_mentions_the_communicator() -> None:
    inc = incident(communicator="U3")
    inc.accept_handoff(user="U3", now=later(1))
    text = all_text(valid(update_due_post(inc)))
    assert text.startswith("⏰ <@U3>: a status update on OUT-12 is due now")
    assert "`/outage update OUT-12 &lt;text&gt;`" in text


def test_update_overdue_post_mentions_commander_and_communicator() -> None:
    inc = incident(communicator="U3")
    inc.accept_handoff(user="U3", now=later(1))
    text = all_text(valid(update_overdue_post(inc)))
    assert "<@U1> <@U3>: the status update on OUT-12 is overdue (it was due <!date^" in text


def test_update_overdue_post_mentions_one_person_once() -> None:
    assert all_text(update_overdue_post(incident())).count("<@U1>") == 2  # fallback text + block


def test_runbook_post_links_the_runbook_with_a_safe_title() -> None:
    msg = valid(runbook_post(incident(), runbook_url="https://git.example/runbooks/payments.md", title="Pay & <go>"))
    assert "📘 Runbook for OUT-12: <https://git.example/runbooks/payments.md|Pay &amp; &lt;go&gt;>" in msg.text


def test_delivery_failed_post() -> None:
    text = all_text(valid(delivery_failed_post(incident(), what="the company announcement", error="channel_not_found")))
    assert "could not deliver the company announcement (channel_not_found)" in text


# ----- company channel ------------------------------------------------------------------------------------


def test_announcement() -> None:
    msg = valid(announcement(incident(company_wide=True), public_url=URL, now=NOW))
    text = all_text(msg)
    assert "*New SEV2 outage in payments*\ncheckout down" in text
    assert "*Commander*\n<@U1>" in text and f"<{URL}/incidents/OUT-12|Incident page>" in text
    assert msg.text == "New SEV2 outage in payments: OUT-12 checkout down"


def test_company_update_says_severity_division_and_status() -> None:
    text = all_text(valid(company_update(incident(), text="Mitigated", actor="U2")))
    assert "*OUT-12 update* (SEV2, payments, investigating) from <@U2>\nMitigated" in text


def test_company_resolved_and_cancelled() -> None:
    inc = incident()
    inc.resolve(actor="U1", now=later(45), summary="Fixed")
    assert "✅ OUT-12 (SEV2, payments) resolved after 45 min: Fixed" in valid(company_resolved(inc)).text
    other = incident()
    other.cancel(actor="U1", now=later(1))
    assert "⚪ OUT-12 (SEV2, payments) was cancelled" in valid(company_resolved(other)).text


def test_company_severity() -> None:
    inc = incident(severity=3, company_wide=True)
    inc.change_severity(severity=2, actor="U1", now=later(1), policy=POLICY)
    expected = "⬆️ OUT-12 (payments) was escalated from SEV3 to SEV2: checkout down"
    assert expected in valid(company_severity(inc, old=3)).text


def test_rollup_lists_open_real_incidents_worst_first_with_ages() -> None:
    quiet = incident(number=13, severity=3, summary="search slow")
    busy = incident(number=12, severity=1, summary="site down")
    busy.post_update(text="CDN rerouted", actor="U1", now=later(48), policy=POLICY)
    drill = incident(number=14, drill=True)
    closed = incident(number=15)
    closed.resolve(actor="U1", now=later(5))
    msg = valid(rollup([quiet, busy, drill, closed], now=later(60), public_url=URL))
    assert msg.blocks[0]["text"]["text"] == "Open outages: 2"
    first, second = msg.blocks[1]["text"]["text"], msg.blocks[2]["text"]["text"]
    assert first.startswith(f"🔴 *<{URL}/incidents/OUT-12|OUT-12>* · SEV1 · payments · investigating")
    assert "Last update 12 min ago: CDN rerouted" in first and "Next update due: <!date^" in first
    assert "No update yet (declared 1 h ago)" in second
    assert "OUT-14" not in all_text(msg) and "OUT-15" not in all_text(msg)


def test_rollup_of_many_incidents_stays_within_50_blocks() -> None:
    many = [incident(number=n, summary=HOSTILE * 20) for n in range(1, 80)]
    msg = valid(rollup(many, now=later(10), public_url=URL))
    assert len(msg.blocks) == t.MAX_BLOCKS
    assert msg.blocks[-1]["elements"][0]["text"] == "… 31 more"


def test_rollup_and_digest_of_the_first_few_of_many_count_them_all() -> None:
    few = [incident(number=n) for n in range(1, 4)]
    msg = valid(rollup(few, now=later(10), public_url=URL, total=40))
    assert msg.text.startswith("Open outages: 40 (OUT-1, OUT-2, OUT-3, …)")
    assert f"… and 37 more open outages: {URL}/incidents" in all_text(msg)
    digest = all_text(valid(daily_digest([], [], few, now=later(60), tz=UTC, open_total=40)))
    assert "0 declared, 0 resolved, 40 still open" in digest and "*Still open (40)*" in digest
    assert "… and 37 more" in digest

def test_daily_digest_groups_and_durations() -> None:
    fixed = incident(number=1)
    fixed.resolve(actor="U1", now=later(72))
    still = incident(number=2, severity=3)
    new = incident(number=3, severity=4, drill=True)
    tz = timezone(timedelta(hours=2))
    msg = valid(daily_digest([fixed, still, new], [fixed], [still], now=later(24 * 60), tz=tz))
    text = all_text(msg)
    assert msg.blocks[0]["text"]["text"] == "Outage digest · Thu 02 May 2024"
    assert "*Declared in the last day (2)*" in text and "declared Wed 12:00 by <@U1>" in text
    assert "*Resolved in the last day (1)*" in text and "resolved after 1 h 12 min" in text
    assert "*Still open (1)*" in text and "open for 1 d" in text
    assert "OUT-3" not in text  # drills stay out of the company channel
    assert msg.text == "Outage digest: 2 declared, 1 resolved, 1 still open"


def test_daily_digest_of_a_quiet_day() -> None:
    text = all_text(valid(daily_digest([], [], [], now=NOW, tz=UTC)))
    assert text.count("None.") == 3


# ----- channel topic --------------------------------------------------------------------------------------


def test_topic_names_open_incidents_and_links_their_pages() -> None:
    topic = channel_topic([incident(number=13, severity=3), incident(number=12)], public_url=URL)
    assert topic == (
        f"🟠 OUT-12 SEV2 investigating: checkout down · <{URL}/incidents/OUT-12|page>"
        f" | 🟡 OUT-13 SEV3 investigating: checkout down · <{URL}/incidents/OUT-13|page>"
    )


def test_topic_when_nothing_is_open() -> None:
    closed = incident()
    closed.resolve(actor="U1", now=later(1))
    assert channel_topic([], public_url=URL) == "No open outages"
    assert channel_topic([closed], public_url=URL) == "No open outages"


def test_topic_drops_whole_items_and_counts_them() -> None:
    topic = channel_topic([incident(number=n) for n in range(1, 8)], public_url=URL)
    assert len(topic) <= t.TOPIC
    assert topic.endswith(" | +5 more")
    assert topic.count("|page>") == 2


def test_topic_shortens_one_long_summary_safely() -> None:
    topic = channel_topic([incident(summary=HOSTILE * 10), incident(number=13)], public_url=URL)
    assert len(topic.encode("utf-16-le")) // 2 <= t.TOPIC
    assert topic.endswith(" | +1 more")
    assert "…" in topic and f"<{URL}/incidents/OUT-12|page>" in topic
    assert "<!" not in topic


# ----- builders -------------------------------------------------------------------------------------------


def test_finish_summarises_the_tail() -> None:
    blocks = [section(str(n)) for n in range(60)]
    finished = finish(blocks)
    assert len(finished) == t.MAX_BLOCKS
    assert finished[-1] == context("… 11 more")
    assert finish(blocks[:50]) == blocks[:50]


def test_every_channel_renderer_is_valid_with_hostile_and_huge_text() -> None:
    huge = HOSTILE + "z" * 10_000
    inc = incident(summary=huge, commander="U2")
    handoff = Handoff(role=Role.COMMANDER, to="U2", requested_by="U1", requested_at=NOW)
    inc.post_update(text=huge, actor="U1", now=later(1), policy=POLICY)
    for msg in (
        root_message(inc, public_url=URL, now=later(2)),
        update_post(inc, text=huge, actor="U1", status_changed_from=None),
        severity_post(inc, old=3, actor="U1"),
        handoff_requested_post(inc, handoff),
        handoff_expired_post(inc, handoff),
        update_due_post(inc),
        update_overdue_post(inc),
        runbook_post(inc, runbook_url="https://x.example", title=huge),
        announcement(inc, public_url=URL, now=later(2)),
        company_update(inc, text=huge, actor="U1"),
        company_severity(inc, old=3),
        rollup([inc], now=later(2), public_url=URL),
        daily_digest([inc], [], [inc], now=later(2), tz=UTC),
    ):
        valid(msg)
    inc.resolve(actor="U1", now=later(3), summary=huge)
    valid(resolved_post(inc, actor="U1"))
    valid(company_resolved(inc))
    assert dates_in(all_text(root_message(inc, public_url=URL, now=later(3))))


def test_a_long_update_is_cut_in_its_posts_with_a_link_to_the_whole_text() -> None:
    long = "word " * 8_000  # 40,000 characters, Slack's own limit for the command text
    inc = incident()
    inc.post_update(text=long, actor="U1", now=later(1), policy=POLICY)
    page = f"{URL}/incidents/{inc.label}"
    for msg in (
        update_post(inc, text=long, actor="U1", status_changed_from=None, public_url=URL),
        company_update(inc, text=long, actor="U1", public_url=URL),
        root_message(inc, public_url=URL, now=later(2)),
    ):
        shown = all_text(valid(msg))
        assert f"<{page}#timeline|Read the full text on the incident page>" in shown
        assert "word word" in shown and "…" in shown
    short = all_text(valid(update_post(inc, text="Found it", actor="U1", status_changed_from=None, public_url=URL)))
    assert "full text" not in short
