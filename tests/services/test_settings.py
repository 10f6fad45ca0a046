"""SettingsService (/settings) called directly: each change once the intake is done, and
only the rows whose inputs changed rescheduled."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from coach.domain.awaiting import AwaitTime, AwaitTimezone
from coach.domain.habits import Habit, Safety
from coach.domain.reminders import Kind
from coach.services import Services
from coach.services.answers import Answer
from tests.support.rows import next_fire, reminders, user_row
from tests.support.seeding import ENROLLED_AT, seed_newcomer

NOW = ENROLLED_AT  # Monday 01:30 in Berlin, the plan's first day
NEWCOMER = 13_003
B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin


async def test_nothing_changes_before_the_intake_is_done(services: Services, sessionmaker) -> None:
    assert (await services.settings.open(NEWCOMER, NOW)).view is None  # nobody yet
    await seed_newcomer(sessionmaker, NEWCOMER, NOW)
    for result in (
        await services.settings.open(NEWCOMER, NOW),
        await services.settings.choose_language(NEWCOMER, "ko", NOW),
        await services.settings.set_habit(NEWCOMER, Habit.B12, False, NOW),
        await services.settings.set_day_end(NEWCOMER, time(2), NOW),
    ):
        assert result.answer is Answer.STALE
        assert result.view is not None and result.view.language == "en"
    row = await user_row(sessionmaker, NEWCOMER)
    assert row.language == "en" and row.day_ends_at is None


async def test_the_menu_closes_a_question_left_open(
    services: Services, sessionmaker, user: int
) -> None:
    asked = await services.settings.ask_timezone(user, NOW)
    assert asked.answer is Answer.ACCEPTED and asked.view is not None
    assert asked.view.awaiting == AwaitTimezone()
    assert (await user_row(sessionmaker, user)).awaiting == "timezone"
    opened = await services.settings.open(user, NOW)
    assert opened.view is not None and opened.view.awaiting is None
    assert (await user_row(sessionmaker, user)).awaiting is None


async def test_the_last_habit_on_stays_on(services: Services, sessionmaker, user: int) -> None:
    for habit in (Habit.FERMENTED, Habit.FIBER):
        result = await services.settings.set_habit(user, habit, False, NOW)
        assert result.answer is Answer.ACCEPTED
    last = await services.settings.set_habit(user, Habit.B12, False, NOW)
    assert last.answer is Answer.NOTHING_CHOSEN
    assert last.view is not None and last.view.habits == (Habit.B12,)
    rows = await reminders(sessionmaker, user)
    assert rows["b12"].enabled and not rows["fiber"].enabled


async def test_a_habit_switched_off_then_on_counts_from_that_day(
    services: Services, sessionmaker, user: int
) -> None:
    later = NOW + timedelta(days=3)
    await services.settings.set_habit(user, Habit.FIBER, False, NOW)
    result = await services.settings.set_habit(user, Habit.FIBER, True, later)
    assert result.view is not None and Habit.FIBER in result.view.habits
    fiber = (await reminders(sessionmaker, user))["fiber"]
    assert fiber.enabled and fiber.off_since is None
    assert fiber.coached_since == later.date()


async def test_a_time_is_asked_then_chosen_and_only_that_habit_moves(
    services: Services, sessionmaker, user: int
) -> None:
    fiber_before = await next_fire(sessionmaker, user, "fiber")
    asked = await services.settings.ask_time(user, Habit.B12, NOW)
    assert asked.view is not None and asked.view.awaiting == AwaitTime(Habit.B12)
    chosen = await services.settings.choose_time(user, Habit.B12, time(9, 15), NOW)
    assert chosen.answer is Answer.ACCEPTED and chosen.view is not None
    assert chosen.view.times_by_habit[Habit.B12] == time(9, 15)
    assert chosen.view.awaiting is None
    assert await next_fire(sessionmaker, user, "b12") == B12_DUE + timedelta(hours=2, minutes=15)
    assert await next_fire(sessionmaker, user, "fiber") == fiber_before


async def test_no_time_for_a_habit_that_is_off(services: Services, sessionmaker, user: int) -> None:
    await services.settings.set_habit(user, Habit.FERMENTED, False, NOW)
    result = await services.settings.choose_time(user, Habit.FERMENTED, time(13), NOW)
    assert result.answer is Answer.STALE
    assert (await reminders(sessionmaker, user))["fermented"].local_time == time(12, 30)


async def test_the_weekly_check_in_moves_and_the_digest_switches_off(
    services: Services, sessionmaker, user: int
) -> None:
    moved = await services.settings.set_weekly(user, Kind.CHECKIN, NOW, weekday=2, at=time(9))
    assert moved.view is not None
    assert (moved.view.checkin_day, moved.view.checkin_time) == (2, time(9))
    off = await services.settings.set_weekly(user, Kind.DIGEST, NOW, on=False)
    assert off.view is not None and not off.view.digest_on
    assert await next_fire(sessionmaker, user, Kind.DIGEST) is None


async def test_language_and_safety_change_nothing_else(
    services: Services, sessionmaker, user: int
) -> None:
    before = await next_fire(sessionmaker, user, "b12")
    result = await services.settings.choose_language(user, "ko", NOW)
    assert result.view is not None and result.view.language == "ko"
    ticked = await services.settings.set_safety(user, Safety.IBS, True, NOW)
    assert ticked.view is not None and Safety.IBS in ticked.view.safety
    assert await next_fire(sessionmaker, user, "b12") == before
