"""The engine and session factory.

SQLite transactions are explicit. pysqlite's default begins a transaction only before the
first INSERT, UPDATE or DELETE, so the reads of a read-then-write use case ran outside it and
could act on rows another connection changed or deleted meanwhile (a claim inserting
deliveries for a user a /delete had just erased). Here every write transaction is
`BEGIN IMMEDIATE`: it takes SQLite's one write lock before its first read, so what it reads
stays true until it commits. Read-only sessions use a deferred `BEGIN`: one consistent
snapshot, and they never wait for a writer (WAL). Within one process, write transactions
take turns on an asyncio lock before they begin, so they never sleep in SQLite's busy
handler; other processes (a migration, a second bot by mistake) still wait in it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from coach.db import sqlite_driver

SQLITE_BUSY_TIMEOUT_MS = 10_000
# An execution option: how a SQLite transaction begins on that engine or connection.
SQLITE_BEGIN = "coach_sqlite_begin"


def create_engine(database_url: str, foreign_keys: bool = True) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection,
    and explicit transactions (BEGIN IMMEDIATE unless the engine is `read_only`).

    foreign_keys=False is for migrations only: SQLite's batch mode re-creates a table (copy,
    DROP, rename), and with foreign keys on, the DROP cascades into every child table.
    """
    url = make_url(database_url)
    # hide_parameters: a database error's text would quote its statement's parameters
    # (notes, scores: health data), and its traceback is logged. It names the statement only.
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(
            url,
            # check_same_thread: a write transaction's statements run on the loop's thread
            # (sqlite_driver.py), BEGIN and COMMIT on aiosqlite's, never two at once.
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
            hide_parameters=True,
            module=sqlite_driver.module(),  # one trip to aiosqlite's thread per statement
        )
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, foreign_keys))
        event.listen(engine.sync_engine, "begin", _sqlite_begin)
        return engine
    return create_async_engine(url, pool_pre_ping=True, hide_parameters=True)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The same engine for reads only: on SQLite a deferred BEGIN, which never waits for the
    write lock. Writing through it risks a stale read, so don't."""
    return engine.execution_options(**{SQLITE_BEGIN: "DEFERRED"})


def _sqlite_pragmas(foreign_keys: bool, dbapi_connection: Any, _record: object) -> None:
    # No implicit transactions: _sqlite_begin says when and how each one begins.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    mode = connection.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
    connection.exec_driver_sql(f"BEGIN {mode}")


class Sessions(async_sessionmaker[AsyncSession]):
    """`sessions()` for reads, `sessions.begin()` for a use case that writes.

    On SQLite the first is a deferred snapshot and the second holds the write lock from its
    first statement (see the module docstring); on PostgreSQL both are plain transactions.
    """

    def __init__(self, engine: AsyncEngine) -> None:
        super().__init__(read_only(engine), expire_on_commit=False)
        self._writer = engine
        # SQLite has one writer at a time. Writers of this process queue here, in order, and
        # never meet SQLite's busy handler, which sleeps 1, 2, 5, 10 ms and more between
        # tries: most of a tap's time when two writes of the process overlapped.
        self._write_turn = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        self._writer_task: asyncio.Task[Any] | None = None

    def _forget_writer(self) -> None:
        self._writer_task = None

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncSession]:  # type: ignore[override]
        """A session in a write transaction, committed on success, rolled back on error."""
        async with contextlib.AsyncExitStack() as stack:
            if self._write_turn is not None:
                if self._write_turn.locked() and self._writer_task is asyncio.current_task():
                    # The lock is not reentrant: this would wait for itself, silently.
                    raise RuntimeError("a write transaction inside another of the same task")
                await stack.enter_async_context(self._write_turn)
                self._writer_task = asyncio.current_task()
                stack.callback(self._forget_writer)
            session = await stack.enter_async_context(self(bind=self._writer))
            await stack.enter_async_context(session.begin())
            yield session


def create_sessionmaker(engine: AsyncEngine) -> Sessions:
    """Sessions that keep loaded attributes after commit (services return plain data anyway)."""
    return Sessions(engine)
