"""Every `/outage` command carries the person's name, kept for the postmortem (service/people.py): it is read
from the database the first time, then not again while it stays the same; a new name is written at once."""

from __future__ import annotations

from contextlib import AbstractContextManager

from sqlalchemy import select

from incidentbot.store.tables import people
from tests.support import slack_requests as sr
from tests.support.harness import Harness
from tests.support.statements import statements


def command_as(bot: Harness, text: str, *, name: str) -> None:
    body = sr.slash_command(text, user="U0ALICE", channel_id="C0GENERAL", channel_name="general",
                            response_url=bot.fake.new_response_url(), user_name=name)  # fmt: skip
    assert bot.post_signed(body).status_code == 200


def statements_on_people(bot: Harness) -> AbstractContextManager[list[str]]:
    return statements(bot.bot.db.engine, bot.bot.db.read_engine)


def on_people(seen: list[str]) -> list[str]:
    return [statement for statement in seen if "people" in statement]


def name_of(bot: Harness, user_id: str) -> str | None:
    with bot.bot.db.read_engine.connect() as conn:
        return conn.execute(select(people.c.name).where(people.c.user_id == user_id)).scalar()


def test_a_name_is_read_once_then_remembered_and_a_new_one_written(bot: Harness) -> None:
    with statements_on_people(bot) as first:
        command_as(bot, "list", name="alice")
    assert name_of(bot, "U0ALICE") == "alice" and on_people(first)  # read, then written
    with statements_on_people(bot) as again:
        command_as(bot, "list", name="alice")
        command_as(bot, "help", name="alice")
    assert on_people(again) == []  # known lately: no database work for it
    command_as(bot, "list", name="alice.smith")
    assert name_of(bot, "U0ALICE") == "alice.smith"  # known when the answer arrives
