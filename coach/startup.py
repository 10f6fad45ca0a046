"""Start-up checks, before the bot takes its first update, in the order they can fail.

1. The settings (coach/config.py), before anything heavy is imported.
2. A SQLite database's folder: it exists and this process can create files in it.
3. The database: reachable.
4. The Bot API: it accepts the token (getMe), before anything is migrated.
5. The schema: one this version knows, migrated to the latest.

A fault a person must fix (a wrong setting, a path, a schema newer than this version, a
token Telegram rejects) is a ConfigError: one line naming the setting or the path and what
to do, and exit 2, which the systemd unit does not restart (Docker restarts any exit, with
a growing delay: the line is in `docker compose logs`). A fault that passes
by itself (the database or Telegram unreachable, as while a server restarts) is retried
with backoff, each try logged in one line, until it passes or a stop signal comes.
`coach check` runs the same checks once each (coach/cli.py).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from coach.config import TOKEN_HELP, ConfigError, Settings

log = logging.getLogger("coach.startup")

# The database's own faults that pass by themselves: PostgreSQL starting up, out of
# connections, or a connection dropped while it restarts.
PASSING_ERRORS = frozenset(
    {"CannotConnectNowError", "TooManyConnectionsError", "ConnectionDoesNotExistError"}
)
FIRST_RETRY = 1.0  # seconds; doubled after each failed try
LAST_RETRY = 30.0
TRY_TIMEOUT = 10.0  # seconds one try may take
TOKEN_REJECTED = f"Telegram rejected TELEGRAM_BOT_TOKEN (revoked, or mistyped): {TOKEN_HELP}."


class Stopped(Exception):
    """A stop signal came while start-up was waiting for the database or Telegram."""


@dataclass(frozen=True)
class Schema:
    """Where a database's schema stands: its revision (None: no schema) and the latest."""

    current: str | None
    latest: str
    known: bool  # this version of the bot has the current revision

    @property
    def is_latest(self) -> bool:
        return self.current == self.latest


def database_name(database_url: str) -> str:
    """The database as a log line may name it: the file, or host/database (no password)."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return f"SQLite {sqlite_path(database_url) or 'in memory'}"
    return f"PostgreSQL {url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"


def sqlite_path(database_url: str) -> Path | None:
    """The SQLite file of a URL (relative paths from the working directory), or None."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    return Path(url.database).absolute()


def check_sqlite_folder(database_url: str) -> None:
    """ConfigError unless the SQLite file's folder exists and takes new files (the database,
    its write-ahead log and shared-memory file are all made there)."""
    path = sqlite_path(database_url)
    if path is None:
        return
    folder = path.parent
    if not folder.exists():
        raise ConfigError(
            f"DATABASE_URL: the folder {folder} for the SQLite database does not exist; "
            "create it or point DATABASE_URL at another path."
        )
    if not folder.is_dir():
        raise ConfigError(f"DATABASE_URL: {folder} is not a folder; point DATABASE_URL elsewhere.")
    if path.exists() and not path.is_file():
        raise ConfigError(f"DATABASE_URL: {path} is not a file; point DATABASE_URL elsewhere.")
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as error:
        raise ConfigError(
            f"DATABASE_URL: cannot write in {folder} ({error.strerror or error}); run the bot "
            "where it may write, or point DATABASE_URL at a writable path."
        ) from None


def retry_delays() -> Iterator[float]:
    """1, 2, 4, ... seconds, then every LAST_RETRY seconds."""
    delay = FIRST_RETRY
    while True:
        yield delay
        delay = min(delay * 2, LAST_RETRY)


async def wait_for_database(
    database_url: str, stop: asyncio.Event | None = None, tries: int | None = None
) -> None:
    """Return once the database answers; ConfigError for what retrying cannot fix."""
    from coach.db.engine import create_engine

    engine = create_engine(database_url)
    try:
        for number, delay in enumerate(retry_delays(), start=1):
            try:
                async with asyncio.timeout(TRY_TIMEOUT):
                    async with engine.connect() as conn:
                        await conn.execute(text("SELECT 1"))
                return
            except Exception as error:
                if not _transient(error):
                    raise ConfigError(f"DATABASE_URL: {reason(error)}.") from None
                if tries is not None and number >= tries:
                    raise ConfigError(
                        f"DATABASE_URL: {database_name(database_url)} is unreachable "
                        f"({reason(error)})."
                    ) from None
                log.warning(
                    "the database (%s) is unreachable (%s); trying again in %.0f s",
                    database_name(database_url),
                    reason(error),
                    delay,
                )
                await _pause(delay, stop)
    finally:
        await engine.dispose()


async def schema(database_url: str) -> Schema:
    """The database's schema revision against this version's latest."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from coach.db.engine import create_engine
    from coach.db.migrate import alembic_config

    scripts = ScriptDirectory.from_config(alembic_config(database_url))
    latest = scripts.get_current_head()
    assert latest is not None
    engine = create_engine(database_url)
    try:
        async with engine.connect() as conn:
            current = await conn.run_sync(
                lambda sync: MigrationContext.configure(sync).get_current_revision()
            )
    finally:
        await engine.dispose()
    known = current is None or current in {script.revision for script in scripts.walk_revisions()}
    return Schema(current, latest, known)


def refuse_unknown(state: Schema) -> None:
    """ConfigError if the schema is newer than this version (a rollback without downgrade)."""
    if not state.known:
        raise ConfigError(
            f"the database schema is at revision {state.current}, newer than this version of "
            f"Gut Coach knows (its latest is {state.latest}): run the newer version, or "
            f"downgrade the schema with it first: coach migrate --to {state.latest} "
            "(see deploy/README.md, Upgrades and rollbacks)."
        )


def refuse_outdated(state: Schema) -> None:
    """ConfigError unless the schema is this version's latest."""
    refuse_unknown(state)
    if state.current is None:
        raise ConfigError("the database has no schema yet: run `coach migrate`.")
    if not state.is_latest:
        raise ConfigError(
            f"the database schema is at revision {state.current}, this version needs "
            f"{state.latest}: run `coach migrate`."
        )


async def wait_for_telegram(
    settings: Settings, stop: asyncio.Event | None = None, tries: int | None = None
) -> str:
    """The bot's @username once the Bot API accepts the token; ConfigError if it rejects it."""
    from telegram import Bot
    from telegram.error import BadRequest, InvalidToken, NetworkError, RetryAfter
    from telegram.request import HTTPXRequest

    timeout = settings.bot_api_timeout_seconds
    for number, delay in enumerate(retry_delays(), start=1):
        bot = Bot(
            settings.token(),
            base_url=settings.bot_api_base_url,
            base_file_url=settings.bot_api_file_url,
            request=HTTPXRequest(connect_timeout=timeout, read_timeout=timeout),
        )
        try:
            async with asyncio.timeout(TRY_TIMEOUT + timeout):
                async with bot:
                    return f"@{bot.username}"
        except InvalidToken:
            raise ConfigError(TOKEN_REJECTED) from None
        except RetryAfter as error:
            delay = max(delay, _seconds(error.retry_after))
            why = "429 Too Many Requests"
        except BadRequest as error:  # a NetworkError in PTB, but not a passing one
            raise ConfigError(f"the Bot API refused getMe: {error.message}.") from None
        except (NetworkError, TimeoutError) as error:
            why = reason(error).replace(settings.token(), "<token>")
        if tries is not None and number >= tries:
            raise ConfigError(
                f"TELEGRAM_API_URL: {settings.telegram_api_url} is unreachable ({why})."
            )
        log.warning(
            "the Bot API at %s is unreachable (%s); trying again in %.0f s",
            settings.telegram_api_url,
            why,
            delay,
        )
        await _pause(delay, stop)
    raise AssertionError("unreachable")  # retry_delays() never ends


async def _pause(seconds: float, stop: asyncio.Event | None) -> None:
    """Sleep, or raise Stopped as soon as `stop` is set."""
    if stop is None:
        await asyncio.sleep(seconds)
        return
    try:
        async with asyncio.timeout(seconds):
            await stop.wait()
    except TimeoutError:
        return
    raise Stopped


def _transient(error: BaseException) -> bool:
    """A fault that may pass by itself: the server down, restarting or out of connections."""
    for cause in _chain(error):
        name = type(cause).__name__
        if name in PASSING_ERRORS:
            return True
        if name == "OperationalError" and re.search(r"locked|busy", str(cause), re.IGNORECASE):
            return True  # SQLite: another process holds the write lock for now
        if isinstance(cause, OSError):  # refused, reset, timed out, a name not resolved yet
            return True
    return False


def port_busy(host: str, port: int, error: OSError) -> ConfigError:
    """The webhook's port is taken (or not ours to take): the one line that says so."""
    return ConfigError(
        f"WEBHOOK_PORT: cannot listen on {host}:{port} ({error.strerror or error}); "
        "free the port or set WEBHOOK_PORT."
    )


def check_port(host: str, port: int) -> None:
    """Fail at once, before the database or Telegram is touched, if the webhook could not
    listen: a bind and a close. (The server binds again later; a port taken in between
    still fails then, with the same line.)"""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as aiohttp's server
        try:
            probe.bind((host, port))
        except OSError as error:
            raise port_busy(host, port, error) from None


def reason(error: BaseException) -> str:
    """The innermost cause's first line: the driver's own words, without the URL. A try cut
    short by its deadline says so (its innermost cause is only the cancelled wait)."""
    if isinstance(error, TimeoutError):
        return f"no answer within {TRY_TIMEOUT:.0f} s"
    cause = list(_chain(error))[-1]
    words = str(cause).strip().splitlines()
    first = words[0] if words else ""
    return f"{type(cause).__name__}: {first}" if first else type(cause).__name__


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__


def _seconds(value: object) -> float:
    total = getattr(value, "total_seconds", None)
    return float(total()) if callable(total) else float(value)  # type: ignore[arg-type]


__all__ = [
    "Schema",
    "Stopped",
    "check_sqlite_folder",
    "database_name",
    "refuse_outdated",
    "refuse_unknown",
    "schema",
    "sqlite_path",
    "wait_for_database",
    "wait_for_telegram",
]
