"""Signing people in to the pages: `/outage web` makes a one-time link; following it opens a 30-day session.

Only SHA-256 hashes of the secrets reach the database. A link works once and for 15 minutes; a session for
30 days. Each step is one short transaction.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from incidentbot.service.context import Context
from incidentbot.store import web_sessions

LINK_LIFETIME = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(days=30)
KEEP_EXPIRED = timedelta(days=1)  # an expired link still says "expired" (not "unknown") for a day
SIGN_IN_PATH = "/signin/"


@dataclass(frozen=True)
class Followed:
    """What following a link did: `outcome` is ok, used, expired or unknown; `session` is the new secret."""

    outcome: str
    user_id: str | None = None
    session: str | None = None


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue_link(ctx: Context, user_id: str) -> str:
    """A new one-time sign-in link for `user_id` (the URL to DM them)."""
    secret = secrets.token_urlsafe(32)
    now = ctx.clock()
    with ctx.new_uow() as uow:
        web_sessions.forget_expired(uow.conn, before=now - KEEP_EXPIRED)
        web_sessions.add(uow.conn, token_hash=digest(secret), kind=web_sessions.LINK, user_id=user_id, now=now,
                         lifetime=LINK_LIFETIME)  # fmt: skip
        uow.commit()
    return f"{ctx.config.public_url}{SIGN_IN_PATH}{secret}"


def check_link(ctx: Context, secret: str) -> str:
    """Whether a link would still sign someone in, without using it ("ok", "used", "expired", "unknown")."""
    with ctx.read_uow() as uow:
        outcome, _ = web_sessions.link_state(uow.conn, digest(secret), now=ctx.clock())
    return outcome


def follow_link(ctx: Context, secret: str) -> Followed:
    """Use the link (once) and open a session for its user."""
    now = ctx.clock()
    with ctx.new_uow() as uow:
        outcome, user_id = web_sessions.use_link(uow.conn, digest(secret), now=now)
        if outcome != "ok" or user_id is None:
            return Followed(outcome)
        session = secrets.token_urlsafe(32)
        web_sessions.add(uow.conn, token_hash=digest(session), kind=web_sessions.SESSION, user_id=user_id, now=now,
                         lifetime=SESSION_LIFETIME)  # fmt: skip
        uow.commit()
    return Followed("ok", user_id=user_id, session=session)


def sign_out(ctx: Context, session: str) -> bool:
    """End the session whose cookie carries `session` (on this browser only; other sessions stay)."""
    with ctx.new_uow() as uow:
        ended = web_sessions.end_session(uow.conn, digest(session))
        uow.commit()
    return ended


def session_user(ctx: Context, session: str) -> str | None:
    with ctx.read_uow() as uow:
        return web_sessions.session_user(uow.conn, digest(session), now=ctx.clock())
