"""Throwaway PostgreSQL databases, and emptying one between tests."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import make_url, text
from sqlalchemy.ext.asyncio import create_async_engine

from coach.db.base import Base
from coach.db.engine import create_engine


async def _admin(server_url: str, statement: str) -> None:
    engine = create_async_engine(make_url(server_url), isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(text(statement))
    await engine.dispose()


def create_postgres_database(server_url: str, prefix: str) -> str:
    """A new, empty database named `prefix` + random on that server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    asyncio.run(_admin(server_url, f'CREATE DATABASE "{name}"'))
    # A commit is visible and kept the moment it returns, as always; it only skips waiting
    # for the disk, which matters for a server crash, which no test causes. The bot's
    # processes are killed in tests, never PostgreSQL, so every guarantee tested holds.
    asyncio.run(_admin(server_url, f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str, server_url: str) -> None:
    """Drop the database `url` names (connected to the server through `server_url`)."""
    name = make_url(url).database
    asyncio.run(_admin(server_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def truncate_all(database_url: str) -> None:
    """Empty every table of a PostgreSQL database (the schema stays)."""
    engine = create_engine(database_url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()
