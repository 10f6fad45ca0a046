"""Alembic environment, async form. The database URL comes from coach.db.migrate.

SQLite runs every migration with foreign keys OFF, in one transaction, checked before the
commit. Why: SQLite cannot alter most of a table, so Alembic's batch mode re-creates it
(create a copy, copy the rows, DROP the old table, rename the copy). With foreign keys on,
that DROP deletes every row that points at the table through ON DELETE CASCADE: altering
`users` emptied reminders, check-ins, scores and deliveries, and altering `reminders`
emptied deliveries. With them off, the children keep their rows and point at the copy, which
has the same name and ids. `PRAGMA foreign_keys` does nothing inside a transaction, so it is
set when the connection is made (coach.db.engine.create_engine(foreign_keys=False)).
Instead of being enforced row by row, foreign keys are then checked once: `PRAGMA
foreign_key_check` runs before the commit, and any row pointing at nothing fails the
migration and rolls all of it back (this is SQLite's documented procedure for altering a
table: https://www.sqlite.org/lang_altertable.html#otheralter). The sqlite3 driver would
commit DDL as it goes, so the engine begins transactions itself, and Alembic is told to keep
the whole run in one. Nothing cascades while a migration runs: one that deletes rows deletes
their children itself (as 0004's and 0005's downgrades do with deliveries).

PostgreSQL alters tables in place, enforces foreign keys throughout, and its DDL is
transactional; instances starting together take turns through an advisory lock.
"""

from __future__ import annotations

import asyncio
from collections import Counter

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine

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
    sqlite = connection.dialect.name == "sqlite"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=sqlite,
        # Alembic assumes SQLite's DDL is not transactional and commits after each revision;
        # one transaction for the whole run lets the foreign key check undo all of it.
        transactional_ddl=True,
        compare_type=True,
    )
    with context.begin_transaction():
        if connection.dialect.name == "postgresql":
            # Held until this transaction commits: PostgreSQL's DDL is transactional, so
            # the whole upgrade happens under it.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        context.run_migrations()
        if sqlite:
            _check_foreign_keys(connection)


def _check_foreign_keys(connection: Connection) -> None:
    """Fail (and so roll back) if any row points at a row that is not there."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        where = Counter(f"{table} -> {parent}" for table, _rowid, parent, _key in broken)
        summary = ", ".join(f"{count} in {link}" for link, count in sorted(where.items()))
        raise RuntimeError(
            f"migration rolled back: {len(broken)} rows would break a foreign key ({summary})"
        )


def run_migrations_offline() -> None:
    context.configure(
        url=_database_url(),
        target_metadata=target_metadata,
        literal_binds=True,
        render_as_batch=_database_url().startswith("sqlite"),
    )
    with context.begin_transaction():
        context.run_migrations()


def _migration_engine(url: str) -> AsyncEngine:
    """The engine migrations run on: on SQLite with foreign keys off (see above). Its
    transactions are explicit and BEGIN IMMEDIATE (coach/db/engine.py), so DDL never runs
    outside the one transaction, and two processes migrating at once queue (busy timeout)
    instead of one failing when its read lock cannot become a write lock."""
    if make_url(url).get_backend_name() != "sqlite":
        return create_engine(url)
    return create_engine(url, foreign_keys=False)


async def run_migrations_online() -> None:
    engine = _migration_engine(_database_url())
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
