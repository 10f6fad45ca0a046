"""The database misbehaving: PostgreSQL dropping every connection mid-run (as a restart
does), and SQLite under concurrent writers. A check-in the user saw confirmed is never lost,
and nobody is shown "database is locked" or an apology."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from coach.db.models import CheckIn, Delivery
from tests.fakebot import FakeBotAPI
from tests.support.bot import FakeClock, RunningBot, running_bot
from tests.support.flows import enrolled
from tests.support.seeding import seed_due_reminders

APOLOGY = "something went wrong on my side"


async def drop_every_connection(database_url: str) -> int:
    """What a PostgreSQL restart does to the bot: every connection to its database dies."""
    admin = create_async_engine(make_url(database_url), isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        killed = await conn.scalar(
            text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
        )
    await admin.dispose()
    return int(killed or 0)


async def test_postgres_connections_dropped_mid_run(
    bot: RunningBot, sessionmaker, database_url: str
) -> None:
    if not database_url.startswith("postgresql"):
        pytest.skip("a PostgreSQL server restart")
    user = await enrolled(bot, 8201)
    await user.ask("/today")
    await user.tap("○ B12")
    assert "✓ B12" in (await user.edit()).labels  # confirmed to the user
    assert await drop_every_connection(database_url) >= 1, "the bot's pool had connections"
    await user.ask("/today")  # the pool notices the dead connections and reconnects
    await user.tap("○ Fiber")
    assert "Prebiotic fiber: done" in (await user.edit()).text  # then asks how much
    assert await drop_every_connection(database_url) >= 1
    bot.clock.now = datetime(2026, 3, 2, 11, 30, tzinfo=UTC)  # fermented foods come due
    counts = await bot.dispatcher.run_round()
    assert counts is not None and counts["sent"] == 1, counts
    async with sessionmaker() as session:
        logged = set(
            (await session.scalars(select(CheckIn.habit).where(CheckIn.user_id == 8201))).all()
        )
    assert logged == {"b12", "fiber"}, "no confirmed check-in lost"
    assert not [t for t in bot.api.sent_texts[8201] if APOLOGY in t]


@pytest.fixture
async def unthrottled(
    fake_api: FakeBotAPI, database_url: str, clock: FakeClock
) -> AsyncIterator[RunningBot]:
    """A bot whose broadcasts go as fast as the database lets them."""
    async with running_bot(fake_api, database_url, clock, broadcast_throttle=False) as bot:
        yield bot


async def test_sqlite_writers_at_once_never_show_an_error(
    unthrottled: RunningBot, sessionmaker, database_url: str
) -> None:
    """A dispatch round writing 2,000 deliveries while 20 users tick habits off: the
    writers queue for SQLite's one write lock (busy timeout), nobody sees an error."""
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's single writer")
    bot = unthrottled
    users = [await enrolled(bot, 8300 + n) for n in range(20)]
    for user in users:
        await user.ask("/today")
    await seed_due_reminders(database_url, 2000, bot.clock.now)

    async def tick(user) -> None:  # type: ignore[no-untyped-def]
        for label in ("○ B12", "○ Fiber"):
            await user.tap(label)
            await user.edit(timeout=60)

    round_ = asyncio.create_task(bot.dispatcher.run_round())
    await asyncio.gather(*(tick(u) for u in users))
    counts = await round_
    assert counts is not None and counts["sent"] == 2000
    async with sessionmaker() as session:
        logged = await session.scalar(
            select(func.count()).select_from(CheckIn).where(CheckIn.user_id.between(8300, 8319))
        )
        sent = await session.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        )
    assert logged == 40 and sent == 2000
    for user in users:
        assert not [t for t in bot.api.sent_texts[user.id] if APOLOGY in t or "locked" in t]
