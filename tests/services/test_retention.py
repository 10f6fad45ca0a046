"""The retention policy on SQLite and PostgreSQL: users silent past USER_RETENTION_DAYS are
purged, every row about them; everyone else, and anyone seen again meanwhile, is kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from coach.bot.retention import purge_round
from coach.db.models import User
from coach.domain.habits import Habit, Symptom
from coach.services import Services
from coach.services.checkins import DayRef
from tests.support.rows import user_rows
from tests.support.seeding import seed_enrolled_user, seed_newcomer, seed_sent_reminder
from tests.support.services import build_services

NOW = datetime(2027, 3, 2, 12, 0, tzinfo=UTC)
ENROLLED = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
DAYS = 365
SILENT, RECENT, BLOCKED, NEWCOMER, BACK = 15_001, 15_002, 15_003, 15_004, 15_005


async def _last_seen(sessionmaker, user_id: int, when: datetime) -> None:  # type: ignore[no-untyped-def]
    async with sessionmaker.begin() as session:
        await session.execute(update(User).where(User.id == user_id).values(last_seen_at=when))


async def _seen_at(sessionmaker, user_id: int) -> datetime | None:  # type: ignore[no-untyped-def]
    async with sessionmaker() as session:
        return await session.scalar(select(User.last_seen_at).where(User.id == user_id))


async def test_the_long_silent_are_purged_with_every_row_and_no_one_else(
    services: Services, sessionmaker
) -> None:
    for uid in (SILENT, RECENT, BLOCKED, BACK):
        await seed_enrolled_user(sessionmaker, uid, ENROLLED)
        await services.checkins.log(uid, DayRef(Habit.FIBER, ENROLLED.date()), "done", ENROLLED)
        await services.weekly.rate(uid, 1, Symptom.MOOD, 4, ENROLLED + timedelta(days=6))
        await seed_sent_reminder(sessionmaker, uid, "b12", ENROLLED + timedelta(hours=6))
    await seed_newcomer(sessionmaker, NEWCOMER, NOW - timedelta(days=2))
    async with sessionmaker.begin() as session:  # a reminder found them gone
        await session.execute(update(User).where(User.id == BLOCKED).values(active=False))
    await _last_seen(sessionmaker, SILENT, NOW - timedelta(days=DAYS, minutes=1))
    await _last_seen(sessionmaker, BLOCKED, NOW - timedelta(days=DAYS + 30))
    await _last_seen(sessionmaker, BACK, NOW - timedelta(days=DAYS + 1))
    await _last_seen(sessionmaker, RECENT, NOW - timedelta(days=DAYS - 1))
    await _last_seen(sessionmaker, NEWCOMER, NOW - timedelta(days=2))
    kept_before = {uid: await user_rows(sessionmaker, uid) for uid in (RECENT, NEWCOMER)}
    assert (await user_rows(sessionmaker, SILENT))["deliveries"] >= 1

    # BACK writes again just before the run: seen today, so no longer silent.
    await services.account.seen(BACK, NOW)
    assert await purge_round(services.account, lambda: NOW, DAYS) == 2

    for uid in (SILENT, BLOCKED):
        assert set((await user_rows(sessionmaker, uid)).values()) == {0}, uid
    for uid, before in kept_before.items():
        assert await user_rows(sessionmaker, uid) == before
    assert (await user_rows(sessionmaker, BACK))["checkins"] == 1
    assert await purge_round(services.account, lambda: NOW, DAYS) == 0, "nothing twice"


async def test_seen_writes_once_a_day_and_never_moves_back(
    services: Services, sessionmaker
) -> None:
    await seed_newcomer(sessionmaker, NEWCOMER, NOW - timedelta(days=2))
    start = NOW - timedelta(days=10)
    await _last_seen(sessionmaker, NEWCOMER, start)
    await services.account.seen(NEWCOMER, NOW)
    assert await _seen_at(sessionmaker, NEWCOMER) == NOW
    # Later the same day: within the day's resolution, not written again.
    await services.account.seen(NEWCOMER, NOW + timedelta(hours=3))
    assert await _seen_at(sessionmaker, NEWCOMER) == NOW
    # A clock behind the stored time (another instance's): never moved back.
    other = build_services(sessionmaker)  # a second process, its memo empty
    await other.account.seen(NEWCOMER, NOW - timedelta(days=3))
    assert await _seen_at(sessionmaker, NEWCOMER) == NOW
    await services.account.seen(NEWCOMER, NOW + timedelta(days=1, hours=1))
    assert await _seen_at(sessionmaker, NEWCOMER) == NOW + timedelta(days=1, hours=1)


async def test_a_user_back_between_the_list_and_the_purge_is_kept(
    services: Services, sessionmaker
) -> None:
    await seed_enrolled_user(sessionmaker, SILENT, ENROLLED)
    await _last_seen(sessionmaker, SILENT, NOW - timedelta(days=DAYS + 5))
    cutoff = NOW - timedelta(days=DAYS)
    listed = await services.account.silent(cutoff, 10)
    assert listed == [SILENT]
    await services.account.seen(SILENT, NOW)  # a tap arrives while the run goes on
    assert await services.account.purge(listed, cutoff) == 0
    assert (await user_rows(sessionmaker, SILENT))["users"] == 1


def test_retention_is_at_least_90_days_or_off() -> None:
    from coach.config import ConfigError, load_settings

    assert load_settings(user_retention_days=0, _env_file=None).user_retention_days == 0
    with pytest.raises(ConfigError, match="USER_RETENTION_DAYS: must be at least 90"):
        load_settings(user_retention_days=30, _env_file=None)
