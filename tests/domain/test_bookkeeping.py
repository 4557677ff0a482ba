"""Milestones and the cause category: parsed with the zone and `now` passed in, checked in order, recorded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidentbot.domain.errors import InvalidTransition
from incidentbot.domain.model import Incident, Status
from incidentbot.domain.policy import Policy
from incidentbot.domain.timeline import Kind

NOW = datetime(2026, 11, 22, 15, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")


def incident() -> Incident:
    made = Incident.declare(summary="Checkout down", division="payments", severity=2, declared_by="U0ALICE",
                            now=NOW - timedelta(hours=1), policy=Policy())
    made.number = 3
    made.events.clear()
    return made


def test_milestones_default_to_the_declaration_and_mitigated_is_the_first_move_to_monitoring() -> None:
    made = incident()
    assert made.started_at == made.detected_at == made.declared_at and made.mitigated_at is None
    made.post_update(text="Rolled back", actor="U0ALICE", now=NOW, policy=Policy(), status=Status.MONITORING)
    made.post_update(text="Hm", actor="U0ALICE", now=NOW + timedelta(minutes=5), policy=Policy(),
                     status=Status.IDENTIFIED)
    made.post_update(text="Again", actor="U0ALICE", now=NOW + timedelta(minutes=9), policy=Policy(),
                     status=Status.MONITORING)
    assert made.mitigated_at == NOW


def test_hh_mm_is_today_in_the_zone_and_iso_is_read_as_written() -> None:
    made = incident()
    made.set_fields(values={"started": "14:10", "detected": "2026-11-22T13:30Z"}, actor="U0BOB", now=NOW,
                    tz=PARIS)
    assert made.started_at == datetime(2026, 11, 22, 13, 10, tzinfo=UTC)  # 14:10 in Paris
    assert made.detected_at == datetime(2026, 11, 22, 13, 30, tzinfo=UTC)
    assert [e.kind for e in made.events] == [Kind.MILESTONE_SET, Kind.MILESTONE_SET]
    assert made.events[0].text == "started at 2026-11-22T13:10:00Z"


@pytest.mark.parametrize(("values", "problem"), [
    ({"started": "16:30"}, "in the future"),
    ({"detected": "13:00", "started": "13:30"}, "`started` must be at or before `detected`"),
    ({"detected": "14:30"}, "`detected` must be at or before the declaration"),
    ({"mitigated": "13:00", "started": "13:30"}, "`mitigated` must be at or after `started`"),
    ({"started": "yesterday"}, "`started=` must be a time"),
    ({"cause": "deplyo"}, "Did you mean `deploy`?"),
])  # fmt: skip
def test_bad_milestones_and_causes_are_refused_and_change_nothing(values: dict[str, str], problem: str) -> None:
    made = incident()
    before = (made.started_at, made.detected_at, made.mitigated_at, made.cause)
    with pytest.raises(InvalidTransition, match=problem):
        made.set_fields(values={"impact": "all EU", **values}, actor="U0BOB", now=NOW, tz=UTC)
    assert (made.started_at, made.detected_at, made.mitigated_at, made.cause) == before
    assert made.impact is None and made.events == []


def test_cause_is_one_of_the_configured_words_in_any_case() -> None:
    made = incident()
    made.set_fields(values={"cause": "Deploy", "service": "checkout"}, actor="U0BOB", now=NOW)
    assert made.cause == "deploy" and made.service == "checkout"
    assert made.events[0].text == "service=checkout, cause=deploy"
