"""The after-the-outage renderers produce Block Kit Slack accepts, with hostile text made harmless."""

from __future__ import annotations

from datetime import UTC, date, datetime

from incidentbot.domain.actions import ActionItem
from incidentbot.domain.postmortem import regenerate
from incidentbot.domain.quality import QualityRecord, RepeatCause
from incidentbot.messages.actions import action_due_dm, action_list, action_row, weekly_report
from incidentbot.messages.postmortem_doc import document_markdown, postmortem_answer, postmortem_modal
from incidentbot.messages.stats import stats_message
from tests.messages.render_support import all_text, incident, valid, valid_view

HOSTILE = "<!channel> fix *now* " + "x" * 5000


def item(**kw: object) -> ActionItem:
    values: dict[str, object] = {"id": 3, "incident_number": 12, "text": HOSTILE, "owner": "U2",
                                 "due": date(2026, 11, 28), "created_by": "U1",
                                 "created_at": datetime(2026, 11, 27, tzinfo=UTC)}
    return ActionItem(**{**values, **kw})  # type: ignore[arg-type]


def test_action_messages_are_valid_and_inert() -> None:
    row = action_row(item(), incident_label="OUT-12", today=date(2026, 11, 30))
    assert row.startswith("*A-3* · OUT-12 · ") and "⚠️ overdue" in row
    valid(action_list([row] * 80, title="All action items"))
    valid(weekly_report({"payments": [row] * 30, "search": [row]}, 1, [row], now=datetime(2026, 11, 30, tzinfo=UTC),
                        tz=UTC))
    text = all_text(valid(action_due_dm(item(), incident_label="OUT-12", today=date(2026, 11, 28))))
    assert "is due today" in text and "<!channel>" not in text


def test_stats_message_is_valid() -> None:
    record = QualityRecord(days=30, incidents=2, drills=1, by_division={"payments": 2},
                           durations={n: (90.0, None) for n in ("detect", "declare", "mitigate", "resolve")},
                           repeat_causes=[RepeatCause("check<out>", "deploy", ("OUT-1", "OUT-2"))])
    text = all_text(valid(stats_message(record)))
    assert "median 1m30s · p90 —" in text and "OUT-1, OUT-2" in text and "Left out: 1 drill(s)" in text


def test_postmortem_answer_and_modal_are_valid() -> None:
    inc = incident()
    sections = regenerate({}, {"timeline": "\n".join(f"- event {n} {HOSTILE[:200]}" for n in range(300)),
                               "summary": HOSTILE})
    answer = all_text(valid(postmortem_answer(inc, sections, public_url="https://bot.example")))
    assert "Still empty (7)" in answer and "<!channel>" not in answer
    valid_view(postmortem_modal(inc, sections))
    assert document_markdown(inc, sections).count("_to fill in_") == 12  # all but the two given sections
