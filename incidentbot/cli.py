"""The `incidentbot` command. Each sub-command builds what it needs through bootstrap, nothing more."""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from incidentbot.config import BotConfig, ConfigError, Settings, load_settings, require_slack_credentials

if TYPE_CHECKING:
    from incidentbot.service.context import Context
    from incidentbot.store.database import Database

DEFAULT_PORT = 3000
EXIT_SIGPIPE = 128 + signal.SIGPIPE  # what a shell reports for a tool killed by a closed pipe (`| head`)


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except BrokenPipeError:
        return _stdout_closed()


def _run(argv: Sequence[str] | None) -> int:
    from incidentbot.store.preflight import DatabaseProblem

    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit:  # --help printed: a closed pipe must show now, not at interpreter exit
        sys.stdout.flush()
        raise
    _logging(args.log_level)
    try:
        if not getattr(args, "run", None):
            parser.print_help()
            return 2
        code = int(args.run(args) or 0)
        sys.stdout.flush()  # a closed pipe shows here, where main() handles it
        return code
    except ConfigError as error:
        print(f"incidentbot: {error}", file=sys.stderr)
        return 2
    except DatabaseProblem as error:
        print(f"incidentbot: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _stdout_closed() -> int:
    """The reader went away (`incidentbot postmortem OUT-1 | head`): stop quietly, as Unix tools do."""
    # Python flushes stdout again at exit; point it at /dev/null so that flush has nowhere to fail.
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return EXIT_SIGPIPE


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="incidentbot", description="A Slack-first outage bot.")
    _global_options(parser, defaults=True)
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    serve = sub.add_parser("serve", help="run the bot over HTTP (Slack request URL: /slack/events)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT, help="port to listen on (default 3000)")
    serve.set_defaults(run=_serve)

    socket = sub.add_parser("socket", help="run the bot over Socket Mode (needs SLACK_APP_TOKEN)")
    socket.set_defaults(run=_socket)
    from incidentbot.playground.command import add_playground  # its own module: this one stays small

    add_playground(sub)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(title="db commands", metavar="DB_COMMAND")
    upgrade = db_sub.add_parser("upgrade", help="create or migrate the schema to the newest version")
    upgrade.set_defaults(run=_db_upgrade)

    manifest = sub.add_parser("manifest", help="print the Slack app manifest (JSON)")
    manifest.add_argument("--request-url", help="public URL of /slack/events (default: public_url + /slack/events)")
    manifest.add_argument("--socket", action="store_true", help="a manifest for Socket Mode instead of HTTP")
    manifest.set_defaults(run=_manifest)

    postmortem = sub.add_parser("postmortem", help="print an incident's postmortem draft as Markdown")
    postmortem.add_argument("id", help="incident id, e.g. OUT-12 or 12")
    postmortem.set_defaults(run=_postmortem)

    example = sub.add_parser("example-config", help="print a commented configuration file with every key")
    example.set_defaults(run=_example_config)

    check = sub.add_parser("check-config", help="validate the configuration file and environment, then exit")
    check.set_defaults(run=_check_config)
    for command in _subcommands(parser):
        _global_options(command, defaults=False)
    return parser


def _global_options(parser: argparse.ArgumentParser, *, defaults: bool) -> None:
    """`--config` and `--log-level`, before the command (`incidentbot --log-level WARNING db upgrade`) or after
    it (`incidentbot db upgrade --log-level WARNING`); after the command they only override what was given."""
    parser.add_argument("--config", type=Path, default=None if defaults else argparse.SUPPRESS,
                        help="TOML configuration file (default: $INCIDENTBOT_CONFIG, else ./incidentbot.toml "
                        "when present)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"],
                        default="INFO" if defaults else argparse.SUPPRESS, help="how much to log (default INFO)")


def _subcommands(parser: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    """Every sub-command's parser, nested ones (`db upgrade`) included."""
    found: list[argparse.ArgumentParser] = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in dict.fromkeys(action.choices.values()):
                found += [child, *_subcommands(child)]
    return found


def _settings(args: argparse.Namespace) -> Settings:
    return load_settings(args.config)


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from incidentbot.bootstrap import build_bot

    settings = _settings(args)
    require_slack_credentials(settings.env)
    bot = build_bot(settings)
    mismatch = public_url_mismatch(settings, args.port)
    if mismatch:
        logging.getLogger("incidentbot").warning("%s", mismatch)
    logging.getLogger("incidentbot").info(
        "serving on http://%s:%d (Slack request URL: %s/slack/events, Slack API: %s)",
        args.host, args.port, settings.bot.public_url, settings.env.slack_api_url,
    )  # fmt: skip
    try:
        uvicorn.run(bot.web, host=args.host, port=args.port, log_level=args.log_level.lower(), access_log=False)
    finally:
        bot.db.dispose()
    return 0


def public_url_mismatch(settings: Settings, port: int) -> str | None:
    """A warning when links would point where the server does not listen, else None.

    Only when ``public_url`` is still the default (``http://localhost:3000``, left out or copied from
    example-config) and ``--port`` is another: any other ``public_url`` is trusted, since behind a proxy or
    a port mapping (docker -p 8080:3000) it rightly differs from where the server itself listens.
    """
    default = BotConfig.model_fields["public_url"].default
    if settings.bot.public_url != default or port == DEFAULT_PORT:
        return None
    return (f"public_url is the default {default}, so links and channel topics point there, but this server "
            f'listens on port {port}: set public_url in the configuration file (such as "http://localhost:{port}", '
            "or the address people reach the bot at)")


def _socket(args: argparse.Namespace) -> int:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk.errors import SlackApiError

    from incidentbot.bootstrap import build_bot

    settings = _settings(args)
    require_slack_credentials(settings.env, socket=True)
    bot = build_bot(settings)
    assert settings.env.slack_app_token is not None
    handler = SocketModeHandler(bot.bolt, settings.env.slack_app_token.get_secret_value())
    # SIGTERM (docker stop, systemd, Kubernetes) stops the bot the way uvicorn stops `serve`: the connection
    # closes and the workers finish what they are sending. Without this the process would die mid-post.
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    bot.start_workers()
    try:
        handler.start()
    except SlackApiError as error:
        code = error.response.get("error") if isinstance(error.response.data, dict) else error.response.status_code
        raise ConfigError(f"SLACK_APP_TOKEN: Slack refused to open a Socket Mode connection ({code}); use an "
                          "app-level token (xapp-…) with the connections:write scope") from None
    finally:
        handler.close()
        bot.close()
    return 0


def _exit_on_sigterm(signum: int, frame: object) -> None:
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM ends the process at once
    logging.getLogger("incidentbot").info("SIGTERM: closing the Socket Mode connection and stopping")
    raise SystemExit(0)


def _db_upgrade(args: argparse.Namespace) -> int:
    from incidentbot.config import redact_url
    from incidentbot.store.database import upgrade

    settings = _settings(args)
    upgrade(settings.env.database_url)
    print(f"database is up to date: {redact_url(settings.env.database_url)}")
    return 0


def _manifest(args: argparse.Namespace) -> int:
    from incidentbot.slack.manifest import manifest

    settings = _settings(args)
    url = args.request_url or f"{settings.bot.public_url}/slack/events"
    print(json.dumps(manifest(request_url=url, socket_mode=args.socket, public_url=settings.bot.public_url),
                     indent=2))
    return 0


def _postmortem(args: argparse.Namespace) -> int:
    from incidentbot.domain.incident_id import parse_id
    from incidentbot.messages.postmortem_doc import document_markdown
    from incidentbot.service import postmortem

    settings = _settings(args)
    number = parse_id(args.id, settings.bot.id_prefix)
    if number is None:
        print(f"incidentbot: `{args.id}` is not an incident id (use {settings.bot.id_prefix}-12 or 12)",
              file=sys.stderr)
        return 2
    ctx, db = _readonly_context(settings)
    try:
        view = postmortem.view(ctx, number)
    finally:
        db.dispose()
    if view is None:
        print(f"incidentbot: there is no incident {settings.bot.id_prefix}-{number}", file=sys.stderr)
        return 1
    print(document_markdown(view.incident, view.sections), end="")
    return 0


def _readonly_context(settings: Settings) -> tuple[Context, Database]:
    """For commands that only read: the existing database, opened read-only (never created or migrated)."""
    from incidentbot.bootstrap import utc_now
    from incidentbot.service.context import Context
    from incidentbot.store.database import connect_readonly
    from incidentbot.store.preflight import require_current_schema
    from incidentbot.store.unit_of_work import UnitOfWork

    url, prefix = settings.env.database_url, settings.bot.id_prefix
    require_current_schema(url)
    db = connect_readonly(url)

    def read_uow() -> UnitOfWork:
        return UnitOfWork(db, id_prefix=prefix, readonly=True)

    return Context(config=settings.bot, clock=utc_now, new_uow=read_uow, read_uow=read_uow), db


def _example_config(args: argparse.Namespace) -> int:
    from importlib.resources import files

    print(files("incidentbot").joinpath("example.toml").read_text(encoding="utf-8"), end="")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    require_slack_credentials(settings.env)
    from incidentbot.store.preflight import describe_for_serve

    database = describe_for_serve(settings.env.database_url)
    where = settings.config_path or "defaults (no configuration file)"
    divisions = len(settings.bot.divisions)
    print(f"configuration OK: {where}; {divisions} division(s) configured"
          + ("" if divisions else " (any division name is accepted)"))
    print(database)
    return 0


def _logging(level: str) -> None:
    logging.basicConfig(level=getattr(logging, level), format="%(asctime)s %(levelname)-7s %(name)s: %(message)s")
    logging.getLogger("slack_bolt").setLevel(max(logging.WARNING, getattr(logging, level)))
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)


if __name__ == "__main__":
    raise SystemExit(main())
