"""The one-trip aiosqlite cursor (coach/db/sqlite_driver.py) behaves as a DBAPI cursor does:
rows, row counts, the last row id, executemany, RETURNING and errors, through the engine the
bot uses, on a real SQLite file."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import IntegrityError, OperationalError

from coach.db import sqlite_driver
from coach.db.engine import create_engine, create_sessionmaker


@pytest.fixture
async def engine(tmp_path: Path):  # type: ignore[no-untyped-def]
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'driver.db'}")
    async with engine.begin() as connection:
        await connection.execute(
            text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)")
        )
    yield engine
    await engine.dispose()


async def test_the_bots_engine_uses_the_one_trip_cursor(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.dbapi_connection, sqlite_driver._Connection)
        cursor = await connection.run_sync(lambda sync: sync.connection.dbapi_connection.cursor())
        assert isinstance(cursor._cursor, sqlite_driver._OneTripCursor)


async def test_rows_counts_ids_and_returning(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        inserted = await connection.execute(
            text("INSERT INTO things (name) VALUES (:name)"), {"name": "kefir"}
        )
        assert inserted.lastrowid == 1 and inserted.rowcount == 1
        many = await connection.execute(
            text("INSERT INTO things (name) VALUES (:name)"),
            [{"name": name} for name in ("kimchi", "miso", "natto")],
        )
        assert many.rowcount == 3
        returned = await connection.execute(
            text("INSERT INTO things (name) VALUES ('tempeh') RETURNING id, name")
        )
        assert returned.all() == [(5, "tempeh")]
        changed = await connection.execute(text("UPDATE things SET name = name || '!'"))
        assert changed.rowcount == 5
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT id, name FROM things ORDER BY id"))).all()
        assert rows == [(1, "kefir!"), (2, "kimchi!"), (3, "miso!"), (4, "natto!"), (5, "tempeh!")]
        first = (await connection.execute(text("SELECT name FROM things ORDER BY id"))).first()
        assert first == ("kefir!",)
        empty = await connection.execute(text("SELECT name FROM things WHERE id > 99"))
        assert empty.all() == []


async def test_errors_come_back_as_sqlalchemys_and_the_connection_goes_on(engine) -> None:  # type: ignore[no-untyped-def]
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO things (name) VALUES ('kefir')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO things (name) VALUES ('kefir')"))
    with pytest.raises(OperationalError):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT nothing FROM nowhere"))
    async with engine.connect() as connection:  # the pool's connection still works
        assert (await connection.execute(text("SELECT count(*) FROM things"))).scalar() == 1


async def test_a_write_transactions_statements_run_without_a_trip(tmp_path: Path) -> None:
    """Inside BEGIN IMMEDIATE (the write lock held) statements run on the event loop's
    thread: no trip to aiosqlite's and back while every other writer waits. BEGIN, COMMIT,
    ROLLBACK and reads still go to aiosqlite's thread, where waiting for a lock or a
    checkpoint's disk writes never stalls the loop; after a rollback, and after an error
    inside the transaction, the connection trips again."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'threads.db'}")
    ran: list[tuple[str, bool]] = []  # (statement, on the loop's thread)
    loop_thread = threading.get_ident()

    def trace(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        raw = dbapi_connection._connection._conn  # aiosqlite's sqlite3 connection
        raw.set_trace_callback(
            lambda sql: ran.append((sql.split()[0], threading.get_ident() == loop_thread))
        )

    event.listen(engine.sync_engine, "connect", trace)
    sessions = create_sessionmaker(engine)
    try:
        async with engine.begin() as connection:
            await connection.execute(
                text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT)")
            )
        ran.clear()
        async with sessions.begin() as session:
            await session.execute(text("SELECT count(*) FROM things"))
            await session.execute(text("INSERT INTO things (name) VALUES ('kefir')"))
        assert ran == [("BEGIN", False), ("SELECT", True), ("INSERT", True), ("COMMIT", False)]

        ran.clear()
        with pytest.raises(OperationalError):
            async with sessions.begin() as session:
                await session.execute(text("INSERT INTO things (name) VALUES ('miso')"))
                await session.execute(text("SELECT nothing FROM nowhere"))
        async with sessions() as session:
            rows = (await session.execute(text("SELECT name FROM things"))).scalars().all()
        assert rows == ["kefir"]  # the failed transaction's insert was rolled back
        assert ran == [
            ("BEGIN", False),
            ("INSERT", True),
            ("ROLLBACK", False),
            ("BEGIN", False),
            ("SELECT", False),
            ("ROLLBACK", False),
        ]
    finally:
        await engine.dispose()
