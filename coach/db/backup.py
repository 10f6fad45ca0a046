"""Copies of a SQLite database through SQLite's online backup API.

The API copies the database page by page inside one read transaction, so the copy is the
database as of one moment, with every transaction committed before it (the write-ahead log
included) and none half-done. In WAL mode readers never block the bot's writers, so a backup
can run while the bot does. The copy is written next to its destination and renamed into
place: a crash mid-way leaves the old file, never half a new one.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

BUSY_TIMEOUT_MS = 10_000  # wait this long for a writer's lock to pass (a restore writes)


class NotADatabase(Exception):
    """The file is not an intact SQLite database."""


def copy(source: Path, target: Path) -> str | None:
    """A consistent copy of the database `source` as the file `target` (replaced at once,
    and only by a copy `verify` found intact); returns the copy's schema revision."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(handle)
    temporary = Path(name)
    try:
        with (
            contextlib.closing(_connect(source)) as src,
            contextlib.closing(_connect(temporary)) as dst,
        ):
            src.backup(dst)  # all pages in one step: one read transaction, one moment
            # A file that can be copied on its own: no write-ahead log beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        revision = verify(temporary)  # before it replaces anything
        os.replace(temporary, target)
        return revision
    finally:
        temporary.unlink(missing_ok=True)


# The table every Gut Coach schema has had since its first revision: a file with a revision
# but without it (hand-made, or emptied) is no Gut Coach database.
CORE_TABLES = frozenset({"users"})


class InUse(Exception):
    """A bot process runs on the database."""


def _lock_file(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


@contextlib.contextmanager
def in_use(database: Path) -> Iterator[None]:
    """Held by a running bot (shared: `coach backup` needs no lock), so that `coach restore`
    can tell it runs. The lock goes with the process, however it ends."""
    with open(_lock_file(database), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_SH)
        yield


@contextlib.contextmanager
def unused(database: Path) -> Iterator[None]:
    """The database to itself while replacing it: InUse if a bot runs on it, and no bot
    starts on it meanwhile."""
    with open(_lock_file(database), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InUse(database) from None
        yield


def write_into(backup: Path, database: Path) -> None:
    """Replace the content of `database` (made if missing) with that of `backup`, through
    SQLite, so the database's own write-ahead log and locks are respected."""
    with contextlib.closing(_connect(backup)) as src, contextlib.closing(_connect(database)) as dst:
        src.backup(dst)


def verify(path: Path) -> str | None:
    """The schema revision of an intact SQLite database (None: no schema); NotADatabase
    if the file is missing, not SQLite, or damaged."""
    if not path.is_file():
        raise NotADatabase(f"{path} does not exist")
    try:
        with contextlib.closing(_read_only(path)) as conn:
            (status,) = conn.execute("PRAGMA integrity_check").fetchone()
            if status != "ok":
                raise NotADatabase(f"{path} is damaged ({status})")
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
            if "alembic_version" not in tables:
                return None
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as error:
        raise NotADatabase(f"{path} is not a SQLite database ({error})") from None
    return row[0] if row else None


def missing_tables(path: Path) -> list[str]:
    """The core tables an intact SQLite database (see `verify`) lacks."""
    with contextlib.closing(_read_only(path)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    return sorted(CORE_TABLES - tables)


def _read_only(path: Path) -> sqlite3.Connection:
    # The URI is quoted: a '#' or '?' in a file's name is part of the name.
    return sqlite3.connect(path.absolute().as_uri() + "?mode=ro", uri=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    return conn
