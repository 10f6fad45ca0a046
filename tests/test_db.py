"""The data layer: migrations match the models, timestamps are UTC, SQLite is tuned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.exc import StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from coach.db.base import Base
from coach.db.models import User


async def test_migrations_and_models_do_not_drift(engine: AsyncEngine) -> None:
    def diff(connection):  # type: ignore[no-untyped-def]
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as conn:
        assert await conn.run_sync(diff) == []


async def test_timestamps_come_back_aware_utc(engine: AsyncEngine, sessionmaker) -> None:
    seoul_morning = datetime(2026, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=9)))
    async with sessionmaker.begin() as session:
        session.add(User(id=1, language="en", created_at=seoul_morning, updated_at=seoul_morning))
    async with sessionmaker() as session:
        user = await session.get(User, 1)
    assert user is not None
    assert user.created_at == seoul_morning
    assert user.created_at.tzinfo is UTC
    assert user.created_at.hour == 23


async def test_naive_timestamps_are_refused(sessionmaker) -> None:
    naive = datetime(2026, 3, 1, 8, 0)  # noqa: DTZ001 (the point of the test)
    with pytest.raises(StatementError, match="naive datetime"):
        async with sessionmaker.begin() as session:
            session.add(User(id=2, language="en", created_at=naive, updated_at=naive))


async def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(engine: AsyncEngine) -> None:
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite pragmas")
    async with engine.connect() as conn:
        assert (await conn.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await conn.scalar(text("PRAGMA foreign_keys"))) == 1
        assert (await conn.scalar(text("PRAGMA busy_timeout"))) >= 5000
