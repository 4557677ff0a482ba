"""Builds the running bot from settings: database, Slack client, Bolt app, outbox worker, scheduler, web app.

Nothing is created at import time; tests build a bot with their own clock, database and fake Slack.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_bolt import App
from slack_sdk import WebClient
from starlette.applications import Starlette

from incidentbot.config import Settings
from incidentbot.scheduler.ticker import Ticker
from incidentbot.service.context import Context
from incidentbot.slack.app import build_app
from incidentbot.slack.delivery import ChannelPacer, Deliverer
from incidentbot.store import database
from incidentbot.store.database import Database
from incidentbot.store.unit_of_work import UnitOfWork
from incidentbot.web.app import build_web_app

log = logging.getLogger("incidentbot")

LISTENER_SLACK_TIMEOUT = 2


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class Options:
    """Knobs that are not part of the configuration contract; tests use them to run fast."""

    clock: Callable[[], datetime] = utc_now
    slack_timeout: float = 10.0
    poll_interval: float = 1.0
    tick_interval: float = 1.0
    channel_interval: float = 1.0
    channel_burst: int = 4
    retry_base: float = 1.0  # seconds: the first retry of a failed Slack call comes after about this long
    retry_cap: float = 300.0  # seconds: the longest wait between retries
    outbox_lease: float = 120.0  # seconds a claimed outbox row stays with its process before others may take it
    migrate: bool = True
    run_workers: bool = True
    owner: str = field(default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}")


@dataclass
class Bot:
    settings: Settings
    db: Database
    ctx: Context
    client: WebClient
    bolt: App
    deliverer: Deliverer
    ticker: Ticker
    web: Starlette
    options: Options

    def start_workers(self) -> None:
        self.deliverer.start()
        self.ticker.start()
        self.deliverer.wake()

    def stop_workers(self) -> None:
        self.ticker.stop()
        self.deliverer.stop()

    def close(self) -> None:
        self.stop_workers()
        self.db.dispose()


def build_bot(settings: Settings, options: Options | None = None) -> Bot:
    options = options or Options()
    env = settings.env
    if options.migrate:
        database.upgrade(env.database_url)
    db = database.connect(env.database_url)
    token = env.slack_bot_token.get_secret_value() if env.slack_bot_token else ""
    client = WebClient(token=token, base_url=env.slack_api_url, timeout=int(max(1, options.slack_timeout)),
                       retry_handlers=[])
    deliverer_ref: list[Deliverer] = []

    def wake_deliverer() -> None:
        if deliverer_ref:
            deliverer_ref[0].wake()

    prefix = settings.bot.id_prefix
    ctx = Context(
        config=settings.bot,
        clock=options.clock,
        new_uow=lambda: UnitOfWork(db, id_prefix=prefix, on_commit=wake_deliverer),
        read_uow=lambda: UnitOfWork(db, id_prefix=prefix, readonly=True),
    )
    deliverer = Deliverer(
        db=db, client=client, clock=options.clock, owner=options.owner, poll_interval=options.poll_interval,
        pacer=ChannelPacer(interval=options.channel_interval, burst=options.channel_burst),
        backoff_base=options.retry_base, backoff_cap=options.retry_cap,
        lease=timedelta(seconds=options.outbox_lease), id_prefix=prefix,
    )  # fmt: skip
    deliverer_ref.append(deliverer)
    ticker = Ticker(ctx=ctx, owner=options.owner, interval=options.tick_interval)
    secret = env.slack_signing_secret.get_secret_value() if env.slack_signing_secret else ""
    # Listeners call Slack before they acknowledge (views.open for the declare form): give up well inside
    # Slack's 3 s so the person still gets an answer (the form falls back to "use the flags").
    bolt_client = WebClient(base_url=env.slack_api_url, timeout=LISTENER_SLACK_TIMEOUT, retry_handlers=[])
    bolt = build_app(ctx=ctx, client=bolt_client, token=token, signing_secret=secret)
    api_token = env.incidentbot_api_token.get_secret_value() if env.incidentbot_api_token else None
    bot_ref: list[Bot] = []
    web = build_web_app(
        ctx=ctx, bolt=bolt, api_token=api_token, signing_secret=secret,
        on_startup=(lambda: bot_ref[0].start_workers()) if options.run_workers else None,
        on_shutdown=(lambda: bot_ref[0].stop_workers()) if options.run_workers else None,
    )  # fmt: skip
    bot = Bot(settings=settings, db=db, ctx=ctx, client=client, bolt=bolt, deliverer=deliverer, ticker=ticker,
              web=web, options=options)
    bot_ref.append(bot)
    return bot
