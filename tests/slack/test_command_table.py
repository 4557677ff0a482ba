"""The `/outage` listener answers every command the parser can produce (the form and the sign-in link aside)."""

from __future__ import annotations

from typing import get_args

from incidentbot.service import commands as c
from incidentbot.slack.listeners.commands import HANDLERS


def test_every_command_but_the_form_opener_has_a_handler() -> None:
    # `/outage declare` with no text opens the form, and `/outage web` DMs a sign-in link, in the listener
    # itself (both call Slack, neither changes an incident); everything else goes to `run`.
    assert set(HANDLERS) == set(get_args(c.Command)) - {c.OpenDeclareModal, c.SignInLink}
