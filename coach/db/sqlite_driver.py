"""aiosqlite, one trip to its thread per statement.

aiosqlite runs each sqlite3 call in the connection's own thread, and SQLAlchemy's adapter
makes four such trips per statement (make a cursor, execute, fetch the rows, close it). Each
trip costs a queue put, a thread wake-up and an event-loop wake-up: about 75 µs of CPU here,
more than SQLite takes to run a tap's small statements. The cursor below does the four in
one trip: the statement runs, its rows are fetched and the sqlite3 cursor closed in the
thread, and SQLAlchemy reads the results from memory.

Inside a write transaction (after `BEGIN IMMEDIATE`, until its COMMIT or ROLLBACK) there is
no trip at all: the statements run on the event loop's own thread. The write lock is then
held, so no statement can wait on another connection, and every other writer of the process
queues behind this one (engine.py): each trip there cost the whole queue a turn of the event
loop, and under 100 taps in flight the lock was held 5 ms a tap, most of it waiting for the
loop to come round (measured 2026-12-02: 102 to 113 taps/s). BEGIN, which may wait for
another process's lock, and COMMIT, which may run a checkpoint's disk writes, still go to
aiosqlite's thread, as does every read of a read-only session (they may be long, and there
they run beside the loop). The sqlite3 connection is opened with check_same_thread=False for
this; it is used by one thread at a time all the same, as every call is awaited in turn.

`module()` is handed to SQLAlchemy as the DBAPI module of a sqlite+aiosqlite engine (its
`module` parameter); everything else (the dialect, errors, transactions) is SQLAlchemy's and
aiosqlite's own. It relies on two internals of aiosqlite (`Connection._execute`, which runs a
function in the connection's thread, and `Connection._conn`, the sqlite3 connection); with
an aiosqlite without them the stock cursor is used.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from threading import Thread
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util.concurrency import await_

_Result = tuple[Any, int, int | None, list[Any]]  # description, rowcount, lastrowid, rows


def _run(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Result:
    """In aiosqlite's thread: the statement, its rows, and the cursor closed."""
    cursor = connection.cursor()
    try:
        cursor.execute(operation, parameters)
        rows = cursor.fetchall() if cursor.description else []
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Any) -> _Result:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return cursor.description, cursor.rowcount, cursor.lastrowid, []
    finally:
        cursor.close()


class _OneTripCursor:
    """What SQLAlchemy's adapter expects of an aiosqlite cursor, one trip per statement."""

    arraysize = 1

    def __init__(self, connection: aiosqlite.Connection) -> None:
        self._connection = connection
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self._rows: list[Any] = []

    async def __aenter__(self) -> _OneTripCursor:
        return self

    async def execute(self, operation: str, parameters: Any = ()) -> _OneTripCursor:
        connection = self._connection
        if getattr(connection, "_coach_inline", False):  # in a write transaction
            result = _run(connection._conn, operation, parameters)
        else:
            result = await connection._execute(_run, connection._conn, operation, parameters)
            if operation.startswith("BEGIN IMMEDIATE"):
                connection._coach_inline = True  # type: ignore[attr-defined]
        self.description, self.rowcount, self.lastrowid, self._rows = result
        return self

    async def executemany(self, operation: str, parameters: Any) -> _OneTripCursor:
        result = await self._connection._execute(
            _run_many, self._connection._conn, operation, parameters
        )
        self.description, self.rowcount, self.lastrowid, self._rows = result
        return self

    async def fetchall(self) -> Sequence[Any]:
        rows, self._rows = self._rows, []
        return rows

    async def fetchone(self) -> Any:
        return self._rows.pop(0) if self._rows else None

    async def fetchmany(self, size: int | None = None) -> Sequence[Any]:
        size = size or self.arraysize
        rows, self._rows = self._rows[:size], self._rows[size:]
        return rows

    async def close(self) -> None:
        self._rows = []


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def _make_new_cursor(self, connection: Any) -> Any:
        return _OneTripCursor(connection)


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()

    _cursor_cls = _Cursor

    def commit(self) -> None:
        self._connection._coach_inline = False
        super().commit()

    def rollback(self) -> None:
        self._connection._coach_inline = False
        super().rollback()


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> AsyncAdapt_aiosqlite_connection:
        connection = self.aiosqlite.connect(*arg, **kw)
        # As SQLAlchemy's own does: the connection's thread never holds up the exit.
        thread = connection if isinstance(connection, Thread) else connection._thread
        thread.daemon = True
        return _Connection(self, await_(connection))


def module() -> AsyncAdapt_aiosqlite_dbapi:
    """The DBAPI module for a sqlite+aiosqlite engine: the one-trip cursor, if this
    aiosqlite has the internals it uses."""
    if all(hasattr(aiosqlite.Connection, name) for name in ("_execute", "_conn")):
        return _Dbapi(aiosqlite, sqlite3)
    return AsyncAdapt_aiosqlite_dbapi(aiosqlite, sqlite3)
