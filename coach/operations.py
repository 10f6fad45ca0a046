"""What each `coach` command does once its settings are read (coach/cli.py parses them).

Faults a person must fix are ConfigError (one line, exit 2); the checks themselves are in
coach/startup.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from coach import __version__
from coach.config import ConfigError, Settings
from coach.startup import (
    Schema,
    Stopped,
    check_port,
    check_sqlite_folder,
    database_name,
    reason,
    refuse_outdated,
    refuse_unknown,
    schema,
    sqlite_path,
    wait_for_database,
    wait_for_telegram,
)

log = logging.getLogger("coach")


async def serve_until_stopped(settings: Settings, webhook: bool) -> None:
    """`coach run` and `coach webhook`: wait for the database and Telegram, bring the schema
    to the latest, then take updates until SIGTERM or SIGINT."""
    from coach.bot import drawing
    from coach.bot.app import build_application, polling
    from coach.bot.app import webhook as webhook_source
    from coach.bot.runner import serve, stop_signals
    from coach.db import backup as sqlite_backup

    if webhook:
        check_port(settings.webhook_listen, settings.webhook_port)
    stop = asyncio.Event()
    with stop_signals(stop):
        try:
            await wait_for_database(settings.database_url, stop)
            username = await wait_for_telegram(settings, stop)
            revision = await prepare_schema(settings.database_url)
        except Stopped:
            log.info("stopped before the start")
            return
        log.info(
            "Gut Coach %s starting as %s (%s, %s, schema %s)",
            __version__,
            username,
            "webhook" if webhook else "long polling",
            database_name(settings.database_url),
            revision,
        )
        application = build_application(settings)
        source = webhook_source(application, settings) if webhook else polling(application)
        database = sqlite_path(settings.database_url)
        try:
            with contextlib.ExitStack() as held:
                if database is not None:  # `coach restore` refuses while this is held
                    held.enter_context(sqlite_backup.in_use(database))
                await serve(application, source, stop)
        finally:
            drawing.shutdown()


async def prepare_schema(database_url: str) -> str:
    """Upgrade the schema to the latest (on PostgreSQL under a lock, so instances starting
    together migrate once); ConfigError if it is newer than this version."""
    from coach.db.migrate import upgrade_to_head

    state = await schema(database_url)
    refuse_unknown(state)
    if not state.is_latest:
        log.info("upgrading the schema from %s to %s", state.current or "nothing", state.latest)
        try:
            await asyncio.to_thread(upgrade_to_head, database_url)
        except Exception as error:  # no restart fixes it: the database needs a look
            raise ConfigError(
                f"the schema upgrade from {state.current or 'nothing'} to {state.latest} "
                f"failed ({reason(error)})"
            ) from None
        state = await schema(database_url)
        log.info("the schema is at %s", state.current)
    refuse_outdated(state)
    return state.latest


def migrate(settings: Settings, target: str | None) -> int:
    """`coach migrate [--to REVISION]`."""
    from coach.db.migrate import move_to, revisions
    from coach.logs import configure_logging

    configure_logging(settings.log_level, secrets=[], json_lines=settings.log_format == "json")
    state = asyncio.run(_reachable_schema(settings.database_url))
    refuse_unknown(state)
    target = target or state.latest
    if target not in revisions():
        raise ConfigError(
            f"--to {target}: no such revision; this version knows "
            f"{', '.join(reversed(revisions()))}."
        )
    move_to(settings.database_url, state.current, target)
    print(f"schema at {target} (was {state.current or 'empty'})")
    return 0


async def _reachable_schema(database_url: str):  # type: ignore[no-untyped-def]
    await wait_for_database(database_url, tries=1)
    return await schema(database_url)


def check(settings: Settings, webhook: bool) -> int:
    """`coach check`: each check once, one line each; the first failure's exit code."""
    from coach.cli import EXIT_DATABASE, EXIT_TELEGRAM

    mode = "webhook" if webhook else "long polling"
    try:
        settings.token()
        if webhook:
            settings.webhook()
        check_sqlite_folder(settings.database_url)
    except ConfigError as error:
        _report("settings", str(error))
        return 2
    _report("settings", None, f"{mode}, {database_name(settings.database_url)}")

    async def reach() -> int:
        code = 0
        url = settings.database_url
        file = sqlite_path(url)
        try:
            if file is not None and not file.exists():  # looking must not create it
                _report("database", None, f"{database_name(url)} does not exist yet")
                _report("schema", None, "none yet: the first start creates it")
            else:
                await wait_for_database(url, tries=1)
                _report("database", None, f"{database_name(url)} answers")
                _report("schema", None, _schema_words(await schema(url)))
        except ConfigError as error:
            _report("database", str(error))
            code = EXIT_DATABASE
        try:
            username = await wait_for_telegram(settings, tries=1)
            _report("telegram", None, f"the Bot API accepts the token of {username}")
        except ConfigError as error:
            _report("telegram", str(error))
            code = code or EXIT_TELEGRAM
        return code

    return asyncio.run(reach())


def _schema_words(state: Schema) -> str:
    """How the schema stands, for a start: ConfigError if this version cannot run on it."""
    refuse_unknown(state)
    if state.current is None:
        return f"none yet: the first start (or coach migrate) creates {state.latest}"
    if not state.is_latest:
        return (
            f"revision {state.current}: the next start (or coach migrate) upgrades it "
            f"to {state.latest}"
        )
    return f"revision {state.current}, the latest"


def _report(what: str, problem: str | None, found: str = "") -> None:
    print(f"{what:<9} {'ok: ' + found if problem is None else 'FAILED: ' + problem}")


def backup(settings: Settings, target: Path, force: bool) -> int:
    """`coach backup FILE`: a consistent copy of the running bot's SQLite database."""
    from coach.db import backup as sqlite_backup

    source = _sqlite_file(settings, "coach backup copies")
    if not source.is_file():
        raise ConfigError(f"DATABASE_URL: {source} does not exist, so there is nothing to back up.")
    target = target.absolute()
    if not target.parent.is_dir():
        raise ConfigError(f"the folder {target.parent} does not exist: create it first.")
    if _same_database(source, target):
        raise ConfigError(f"{target} is the database (or its journal) itself: name another file.")
    if target.exists() and not force:
        raise ConfigError(f"{target} exists: name a new file, or pass --force to replace it.")
    try:
        revision = sqlite_backup.copy(source, target)
    except (OSError, sqlite3.Error, sqlite_backup.NotADatabase) as error:
        raise ConfigError(f"the backup failed, nothing was written: {_words(error)}.") from None
    print(f"backed up {source} to {target} (schema {revision}, {target.stat().st_size} bytes)")
    return 0


def restore(settings: Settings, backup_file: Path) -> int:
    """`coach restore FILE`: the database replaced by an intact backup this version knows."""
    from coach.db import backup as sqlite_backup
    from coach.db.migrate import revisions

    database = _sqlite_file(settings, "coach restore replaces")
    if _same_database(database, backup_file.absolute()):
        raise ConfigError(f"{backup_file} is the database itself: name a backup.")
    try:
        revision = sqlite_backup.verify(backup_file)
    except sqlite_backup.NotADatabase as error:
        raise ConfigError(f"{error}: nothing was restored.") from None
    if revision is None or revision not in revisions():
        raise ConfigError(
            f"{backup_file} is not a Gut Coach database this version knows "
            f"(schema {revision or 'none'}): nothing was restored."
        )
    if missing := sqlite_backup.missing_tables(backup_file):
        raise ConfigError(
            f"{backup_file} has no {', '.join(missing)} table, so no Gut Coach data: "
            "nothing was restored."
        )
    try:
        with sqlite_backup.unused(database):
            kept = None
            if database.exists() and database.stat().st_size > 0:
                # What is replaced stays at hand: a restore of the wrong file is undone by
                # restoring this one.
                kept = _unused_name(database, datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ"))
                sqlite_backup.copy(database, kept)
            sqlite_backup.write_into(backup_file, database)
    except sqlite_backup.InUse:
        raise ConfigError(
            f"a bot is running on {database}: stop it first (systemctl stop gut-coach); "
            "nothing was restored."
        ) from None
    except (OSError, sqlite3.Error) as error:
        raise ConfigError(
            f"the restore failed, the database is as it was: {_words(error)} (is the bot stopped?)."
        ) from None
    if kept is not None:
        print(f"kept the database as it was in {kept}")
    print(f"restored {database} from {backup_file} (schema {revision})")
    return 0


def _unused_name(database: Path, stamp: str) -> Path:
    """coach.db.pre-restore-<stamp>, or -2, -3... : never a file that exists (a restore of
    the copy an earlier restore kept, within the same second, must not overwrite it)."""
    name = f"{database.name}.pre-restore-{stamp}"
    candidate, n = database.with_name(name), 1
    while candidate.exists():
        n += 1
        candidate = database.with_name(f"{name}-{n}")
    return candidate


def _same_database(database: Path, other: Path) -> bool:
    """`other` is the database file, or one of its journals, whatever path names it."""
    names = {database.resolve()} | {
        database.resolve().with_name(database.name + suffix)
        for suffix in ("-wal", "-shm", "-journal")
    }
    if other.resolve() in names:
        return True
    return database.exists() and other.exists() and os.path.samefile(database, other)


def _words(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__


def _sqlite_file(settings: Settings, what: str) -> Path:
    path = sqlite_path(settings.database_url)
    if path is None:
        raise ConfigError(
            f"{what} a SQLite database; DATABASE_URL names {database_name(settings.database_url)}"
            " (for PostgreSQL use pg_dump and pg_restore, see deploy/README.md)."
        )
    return path
