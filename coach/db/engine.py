"""The engine and session factory."""

from __future__ import annotations

from functools import partial

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SQLITE_BUSY_TIMEOUT_MS = 10_000


def create_engine(database_url: str, foreign_keys: bool = True) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    foreign_keys=False is for migrations only: SQLite's batch mode re-creates a table (copy,
    DROP, rename), and with foreign keys on, the DROP cascades into every child table.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine.sync_engine, "connect", partial(_sqlite_pragmas, foreign_keys))
        return engine
    return create_async_engine(url, pool_pre_ping=True)


def _sqlite_pragmas(foreign_keys: bool, dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions that keep loaded attributes after commit (services return plain data anyway)."""
    return async_sessionmaker(engine, expire_on_commit=False)
