"""Builds the running bot from settings: database, Slack client, Bolt app, outbox worker, scheduler, web app.

Nothing is created at import time; tests build a bot with their own clock, database and fake Slack.
"""

from __future__ import annotations

import functools
import logging
import os
import socket
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from pydantic import SecretStr
from slack_bolt import App
from slack_sdk import WebClient
from starlette.applications import Starlette

from incidentbot.config import Env, Settings
from incidentbot.scheduler.ticker import Ticker
from incidentbot.service import home
from incidentbot.service.context import Context
from incidentbot.slack.app import build_app
from incidentbot.slack.delivery import ChannelPacer, Deliverer
from incidentbot.slack.metered import MeteredWebClient
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
    # Seconds a claimed outbox row stays with its process before others may take it; renewed every third of it
    # while the process lives, so a dead replica's posts are taken over within about this long.
    outbox_lease: float = 10.0
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
        start_workers(self.deliverer, self.ticker)

    def stop_workers(self) -> None:
        stop_workers(self.deliverer, self.ticker)

    def close(self) -> None:
        self.stop_workers()
        self.db.dispose()


def start_workers(deliverer: Deliverer, ticker: Ticker) -> None:
    deliverer.start()
    ticker.start()
    deliverer.wake()


def stop_workers(deliverer: Deliverer, ticker: Ticker) -> None:
    ticker.stop()
    deliverer.stop()


def build_bot(settings: Settings, options: Options | None = None) -> Bot:
    """Built bottom up, so each part is handed the parts it uses: the database, the Slack client and the outbox
    deliverer first, then the context whose commits wake the deliverer, then what serves people."""
    options = options or Options()
    env = settings.env
    if options.migrate:
        database.upgrade(env.database_url)
    db = database.connect(env.database_url)
    client = _slack_client(env, options)
    deliverer = _deliverer(db, client, options, prefix=settings.bot.id_prefix)
    ctx = _context(settings, options, db, on_commit=deliverer.wake)
    deliverer.home_view = functools.partial(home.view_for, ctx)  # Home tabs are rendered when delivered
    ticker = Ticker(ctx=ctx, owner=options.owner, interval=options.tick_interval)
    bolt = _bolt(ctx, env)
    web = _web(ctx, bolt, env, workers=(deliverer, ticker) if options.run_workers else None)
    return Bot(settings=settings, db=db, ctx=ctx, client=client, bolt=bolt, deliverer=deliverer, ticker=ticker,
               web=web, options=options)  # fmt: skip


def _secret(value: SecretStr | None) -> str:
    return value.get_secret_value() if value else ""


def _slack_client(env: Env, options: Options) -> WebClient:
    """The client the outbox deliverer posts with (listeners get their own, quicker one: see `_bolt`)."""
    return MeteredWebClient(token=_secret(env.slack_bot_token), base_url=env.slack_api_url,
                            timeout=int(max(1, options.slack_timeout)), retry_handlers=[])  # fmt: skip


def _deliverer(db: Database, client: WebClient, options: Options, *, prefix: str) -> Deliverer:
    deliverer = Deliverer(
        db=db, client=client, clock=options.clock, owner=options.owner, poll_interval=options.poll_interval,
        pacer=ChannelPacer(interval=options.channel_interval, burst=options.channel_burst),
        backoff_base=options.retry_base, backoff_cap=options.retry_cap,
        lease=timedelta(seconds=options.outbox_lease), id_prefix=prefix,
    )  # fmt: skip
    return deliverer


def _context(settings: Settings, options: Options, db: Database, *, on_commit: Callable[[], None]) -> Context:
    prefix = settings.bot.id_prefix
    return Context(
        config=settings.bot,
        clock=options.clock,
        new_uow=lambda: UnitOfWork(db, id_prefix=prefix, on_commit=on_commit),
        read_uow=lambda: UnitOfWork(db, id_prefix=prefix, readonly=True),
    )


def _bolt(ctx: Context, env: Env) -> App:
    # Listeners call Slack before they acknowledge (views.open for the declare form): give up well inside
    # Slack's 3 s so the person still gets an answer (the form falls back to "use the flags").
    bolt_client = MeteredWebClient(base_url=env.slack_api_url, timeout=LISTENER_SLACK_TIMEOUT, retry_handlers=[])
    return build_app(ctx=ctx, client=bolt_client, token=_secret(env.slack_bot_token),
                     signing_secret=_secret(env.slack_signing_secret))  # fmt: skip


def _web(ctx: Context, bolt: App, env: Env, *, workers: tuple[Deliverer, Ticker] | None) -> Starlette:
    """The HTTP app; with `workers`, starting the server starts them and stopping it stops them."""
    api_token = env.incidentbot_api_token.get_secret_value() if env.incidentbot_api_token else None
    return build_web_app(
        ctx=ctx, bolt=bolt, api_token=api_token, signing_secret=_secret(env.slack_signing_secret),
        on_startup=functools.partial(start_workers, *workers) if workers else None,
        on_shutdown=functools.partial(stop_workers, *workers) if workers else None,
        metrics_multiprocess=bool(env.prometheus_multiproc_dir),
    )  # fmt: skip
