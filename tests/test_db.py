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


def test_revision_0004_gives_enrolled_users_their_check_in_and_finale(tmp_path) -> None:
    """Users who finished the intake before check-ins existed get the rows new users get."""
    import sqlite3
    from zoneinfo import ZoneInfo

    from alembic import command

    from coach.db.migrate import alembic_config

    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0003")
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, language, intake_step, timezone, plan_started_on, active)"
            " VALUES (1, 'en', 'done', 'Europe/Berlin', '2026-11-18', 1),"
            " (2, 'en', 'habits', NULL, NULL, 1)"
        )
    command.upgrade(config, "0004")
    with sqlite3.connect(path) as db:
        rows = db.execute("SELECT user_id, kind, days, next_fire_at FROM reminders").fetchall()
    # The plan began on a Wednesday: its weeks close on Tuesdays (bit 1), at 19:00 Berlin
    # time; 12 weeks end on 2027-02-09, so the finale comes at 10:00 the next morning.
    found = {kind: (user, days, at) for user, kind, days, at in rows}
    assert set(found) == {"checkin", "finale"}, "the unfinished intake gets none"
    user, days, at = found["checkin"]
    checkin = datetime.fromisoformat(at).replace(tzinfo=UTC)
    assert (user, days) == (1, 2) and checkin > datetime.now(UTC)
    local = checkin.astimezone(ZoneInfo("Europe/Berlin"))
    assert (local.weekday(), local.hour, local.minute) == (1, 19, 0)
    assert found["finale"][:2] == (1, 127) and found["finale"][2].startswith("2027-02-10 09:00")


def test_revision_0005_gives_enrolled_users_the_weekly_digest(tmp_path) -> None:
    """Sunday 19:00 local for a plan under way (20:00 when the check-in is at Sunday 19:00);
    nothing scheduled for a plan long over."""
    import sqlite3
    from zoneinfo import ZoneInfo

    from alembic import command

    from coach.db.migrate import alembic_config

    path = tmp_path / "old.db"
    config = alembic_config(f"sqlite+aiosqlite:///{path}")
    command.upgrade(config, "0003")
    today = datetime.now(UTC).date()
    monday = today - timedelta(days=today.weekday())  # weeks close on Sundays
    tuesday = monday + timedelta(days=1)  # weeks close on Mondays
    with sqlite3.connect(path) as db:
        db.execute(
            "INSERT INTO users (id, language, intake_step, timezone, plan_started_on, active)"
            " VALUES (1, 'en', 'done', 'Asia/Seoul', ?, 1),"
            " (2, 'en', 'done', 'Asia/Seoul', '2020-01-06', 1),"
            " (3, 'en', 'habits', NULL, NULL, 1),"
            " (4, 'en', 'done', 'Asia/Seoul', ?, 1)",
            (tuesday.isoformat(), monday.isoformat()),
        )
    command.upgrade(config, "0004")  # check-ins at 19:00 on the plan week's last day
    command.upgrade(config, "head")
    with sqlite3.connect(path) as db:
        rows = db.execute(
            "SELECT user_id, days, local_time, next_fire_at FROM reminders WHERE kind = 'digest'"
        ).fetchall()
    found = {user: (days, at, fire) for user, days, at, fire in rows}
    assert set(found) == {1, 2, 4}, "the unfinished intake gets none"
    days, at, fire = found[1]
    assert (days, at[:5]) == (64, "19:00")
    assert found[4][:2] == (64, "20:00:00.000000"), "after the check-in on Sunday at 19:00"
    local = datetime.fromisoformat(fire).replace(tzinfo=UTC).astimezone(ZoneInfo("Asia/Seoul"))
    assert (local.weekday(), local.hour) == (6, 19)
    assert found[2][2] is None, "a plan that ended long ago gets no digest"
    command.downgrade(config, "0004")
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM reminders WHERE kind = 'digest'").fetchone() == (0,)
