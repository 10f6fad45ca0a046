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
    commands.add_parser("migrate", help="upgrade the database schema to the latest version")
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
        if args.command == "run":
            return _run(settings)
        return _migrate(settings)
    except ConfigError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return 2


def _migrate(settings: Settings) -> int:
    from coach.db.migrate import upgrade_to_head
    from coach.logs import configure_logging

    configure_logging(settings.log_level, secrets=[])
    upgrade_to_head(settings.database_url)
    return 0


def _run(settings: Settings) -> int:
    from telegram import Update
    from telegram.error import InvalidToken

    from coach.bot.app import build_application
    from coach.db.migrate import upgrade_to_head
    from coach.logs import configure_logging

    token = settings.token()
    configure_logging(settings.log_level, secrets=[token])
    if settings.is_sqlite:
        # A first run on the embedded database just works: the schema upgrades itself.
        upgrade_to_head(settings.database_url)
    application = build_application(settings)
    try:
        application.run_polling(allowed_updates=Update.ALL_TYPES, drop_pending_updates=False)
    except InvalidToken:
        print(
            "coach: Telegram rejected TELEGRAM_BOT_TOKEN (check it with @BotFather).",
            file=sys.stderr,
        )
        return 2
    return 0
