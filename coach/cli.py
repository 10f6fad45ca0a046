"""The `coach` command: run the bot, check it, migrate, back up and restore its database.

Every command reads its settings first, before anything heavy is imported, and says any
fault a person must fix in one line on stderr with exit 2 (coach/startup.py has the rest).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coach import __version__
from coach.config import ConfigError, Settings, load_settings

EXIT_SETTINGS = 2  # a setting or a path is wrong: fix it, restarting will not help
EXIT_DATABASE = 3  # `coach check`: the database is unreachable or its schema not the latest
EXIT_TELEGRAM = 4  # `coach check`: the Bot API is unreachable or rejects the token

COMMANDS = {
    "run": (
        "run the bot with long polling",
        "Runs the bot in one process, fetching updates from Telegram by long polling: the way "
        "to run it on one machine. Needs TELEGRAM_BOT_TOKEN; DATABASE_URL defaults to a SQLite "
        "file coach.db in the working directory. Upgrades the schema first (on PostgreSQL once "
        "across instances), waits for the database and Telegram if they are unreachable, and "
        "stops gracefully on SIGTERM or Ctrl-C.",
        "TELEGRAM_BOT_TOKEN=110201543:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw coach run",
    ),
    "webhook": (
        "run the bot as a webhook server (any number of instances)",
        "Runs the bot as a webhook server: Telegram posts each update to WEBHOOK_URL + "
        "WEBHOOK_PATH, which a TLS proxy forwards to WEBHOOK_LISTEN:WEBHOOK_PORT. Needs "
        "TELEGRAM_BOT_TOKEN, WEBHOOK_URL (https) and WEBHOOK_SECRET; several instances share "
        "one PostgreSQL DATABASE_URL. Upgrades the schema first, once across instances.",
        "coach webhook   # with the settings in .env, see deploy/.env.example",
    ),
    "migrate": (
        "upgrade the database schema (or move it to a given revision)",
        "Upgrades the schema of DATABASE_URL to the latest revision this version knows, or "
        "moves it up or down to --to REVISION (a rollback: run it with the newer version, "
        "before starting the older one). Safe to run while instances start: on PostgreSQL "
        "migrations take turns under an advisory lock.",
        "coach migrate\n  coach migrate --to 0008",
    ),
    "check": (
        "check the settings, the database, its schema and the Bot API, then exit",
        "Checks what the bot needs to start, once each, and prints what it found: the "
        "settings, the database (reachable), its schema (the latest revision?) and the Bot "
        "API (getMe with the token). Changes nothing. Exit 0: the bot can start (an older "
        "schema is fine: the start upgrades it); 2: a setting is wrong; 3: the database is "
        "unreachable or its schema newer than this version; 4: the Bot API. --webhook "
        "checks the webhook settings too.",
        "coach check && coach run\n  coach check --webhook",
    ),
    "backup": (
        "copy the SQLite database to a file, while the bot runs",
        "Writes a consistent copy of the SQLite database of DATABASE_URL to FILE with "
        "SQLite's online backup API: the bot may keep running, and the copy holds every "
        "transaction committed before it began. Refuses to overwrite FILE unless --force. "
        "For PostgreSQL use pg_dump (deploy/README.md).",
        "coach backup backups/coach-$(date +%F).db",
    ),
    "restore": (
        "replace the SQLite database with a backup (stop the bot first)",
        "Replaces the SQLite database of DATABASE_URL with the copy in FILE, after checking "
        "that FILE is an intact Gut Coach database whose schema this version knows. Stop the "
        "bot first; its next start upgrades a backup made by an older version.",
        "systemctl stop gut-coach && coach restore backups/coach-2026-12-01.db "
        "&& systemctl start gut-coach",
    ),
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="coach",
        description="Gut Coach, a Telegram bot for a 12-week gut-health plan.",
        epilog="Settings come from the environment or a .env file in the working directory "
        "(README.md, Configuration). `coach COMMAND --help` says more about each command.",
    )
    top.add_argument("--version", action="version", version=f"coach {__version__}")
    commands = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    sub: dict[str, argparse.ArgumentParser] = {}
    for name, (summary, description, example) in COMMANDS.items():
        sub[name] = commands.add_parser(
            name,
            help=summary,
            description=description,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
    sub["migrate"].add_argument(
        "--to", metavar="REVISION", help="the revision to move to (default: the latest)"
    )
    sub["check"].add_argument(
        "--webhook", action="store_true", help="also check WEBHOOK_URL and WEBHOOK_SECRET"
    )
    sub["backup"].add_argument("file", type=Path, metavar="FILE", help="the copy to write")
    sub["backup"].add_argument("--force", action="store_true", help="overwrite FILE")
    sub["restore"].add_argument("file", type=Path, metavar="FILE", help="the backup to restore")
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command == "check":
            from coach.operations import check

            return check(settings, webhook=args.webhook)
        from coach.startup import check_sqlite_folder

        check_sqlite_folder(settings.database_url)
        if args.command in ("run", "webhook"):
            return _run(settings, webhook=args.command == "webhook")
        if args.command == "migrate":
            from coach.operations import migrate

            return migrate(settings, args.to)
        from coach.operations import backup, restore

        if args.command == "backup":
            return backup(settings, args.file, force=args.force)
        return restore(settings, args.file)
    except ConfigError as exc:
        print(f"coach: {exc}", file=sys.stderr)
        return EXIT_SETTINGS
    except Exception as exc:  # an operator command's unforeseen fault: one line, no traceback
        words = str(exc).strip().splitlines()
        detail = f"{type(exc).__name__}: {words[0]}" if words else type(exc).__name__
        print(f"coach: {args.command} failed: {detail}", file=sys.stderr)
        return 1


def _run(settings: Settings, webhook: bool) -> int:
    # Every setting is checked before the slow imports, so a mistake shows at once.
    token = settings.token()
    secret = settings.webhook()[1] if webhook else ""

    import asyncio
    import logging

    from telegram.error import InvalidToken

    from coach.logs import configure_logging
    from coach.operations import serve_until_stopped
    from coach.startup import TOKEN_REJECTED

    configure_logging(settings.log_level, [token, secret], settings.log_format == "json")
    logging.captureWarnings(True)  # warnings go through the (redacting) log handler too
    try:
        asyncio.run(serve_until_stopped(settings, webhook))
    except InvalidToken:  # revoked after the start-up check
        raise ConfigError(TOKEN_REJECTED) from None
    except ConfigError:
        raise
    except Exception:  # logged through the redacting handler, never a raw traceback
        logging.getLogger("coach").critical("the bot stopped on an error", exc_info=True)
        return 1
    return 0
