"""A fake Slack Web API server for tests: ``with FakeSlack() as fake: WebClient(base_url=fake.url, ...)``."""

from .server import FakeSlack
from .state import BOT_ID, BOT_USER_ID, Call, Channel, Ephemeral, Message, Rejection, User, ViewRecord

__all__ = [
    "BOT_ID",
    "BOT_USER_ID",
    "Call",
    "Channel",
    "Ephemeral",
    "FakeSlack",
    "Message",
    "Rejection",
    "User",
    "ViewRecord",
]
