"""The `coach` command: run the bot, or migrate its database."""

from __future__ import annotations

import argparse
import sys

from coach.config import ConfigError, Settings, load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="coach",
        description="Gut Coach, a Telegram bot for a 12-week gut-health plan.",
        epilog="Configuration comes from the environment or a .env file; see README.md.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser("run", help="run the bot with long polling (SQLite: migrates first)")
    commands.add_parser(
        "webhook", help="run the bot as a webhook server (migrates first, once across instances)"
    )
    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command in ("run", "webhook"):
            return _run(settings, webhook=args.command == "webhook")
        return _migrate(settings)
    except ConfigError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2


def _migrate(settings: Settings) -> int:
    from coach.db.migrate import upgrade_to_head
    from coach.logs import configure_logging

    configure_logging(settings.log_level, secrets=[], json_lines=settings.log_format == "json")
    upgrade_to_head(settings.database_url)
    return 0


def _run(settings: Settings, webhook: bool) -> int:
    import asyncio
    import logging

    from telegram.error import InvalidToken

    from coach.bot import drawing
    from coach.bot.app import build_application, polling
    from coach.bot.app import webhook as webhook_source
    from coach.bot.runner import serve
    from coach.db.migrate import upgrade_to_head
    from coach.logs import configure_logging

    token = settings.token()
    _, secret = settings.webhook() if webhook else ("", "")
    secrets = [token, secret]
    configure_logging(settings.log_level, secrets, json_lines=settings.log_format == "json")
    if settings.is_sqlite or webhook:
        # A first run just works: the schema upgrades itself (on PostgreSQL under a lock, so
        # instances starting together migrate once).
        upgrade_to_head(settings.database_url)
    application = build_application(settings)
    source = webhook_source(application, settings) if webhook else polling(application)

    logging.captureWarnings(True)  # warnings go through the (redacting) log handler too
    try:
        try:
            asyncio.run(serve(application, source))
        finally:
            drawing.shutdown()
    except InvalidToken:
        print(
            "coach: Telegram rejected TELEGRAM_BOT_TOKEN (check it with @BotFather).",
            file=sys.stderr,
        )
        return 2
    except Exception:  # logged through the redacting handler, never a raw traceback
        logging.getLogger("coach").critical("the bot stopped on an error", exc_info=True)
        return 1
    return 0
