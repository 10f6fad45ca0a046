"""Alembic environment, async form. The database URL comes from coach.db.migrate."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from coach.config import load_settings
from coach.db import models  # noqa: F401  (registers the tables on Base.metadata)
from coach.db.base import Base
from coach.db.engine import create_engine

config = context.config
target_metadata = Base.metadata
# Instances starting together on one PostgreSQL database migrate one at a time: the first
# upgrades, the others wait on this lock and then find nothing left to do.
MIGRATION_LOCK = 0x6775745F636F6163  # "gut_coac"


def _database_url() -> str:
    return config.attributes.get("database_url") or load_settings().database_url


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held until this transaction commits: PostgreSQL's DDL is transactional, so
            # the whole upgrade happens under it.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_database_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_migrations_online() -> None:
    engine = create_engine(_database_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_configure)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    asyncio.run(run_migrations_online())
