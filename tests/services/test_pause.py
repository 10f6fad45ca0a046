"""PauseService (/reminders, /pause, /resume) called directly: what the rows do while a
user is paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.domain.habits import Habit
from coach.services import Services
from coach.services.pause import PauseView
from coach.services.refusals import Refusal, Why
from tests.support.rows import next_fire, user_row
from tests.support.seeding import ENROLLED_AT, seed_newcomer

NOW = ENROLLED_AT  # Monday 01:30 in Berlin, the plan's first day
NEWCOMER = 13_002
# The default times in Berlin that day: B12 07:00, fiber 08:00, fermented foods 12:30.
DUE = {
    Habit.B12: datetime(2026, 3, 2, 6, 0, tzinfo=UTC),
    Habit.FIBER: datetime(2026, 3, 2, 7, 0, tzinfo=UTC),
    Habit.FERMENTED: datetime(2026, 3, 2, 11, 30, tzinfo=UTC),
}


async def test_an_enrolled_user_has_every_reminder_scheduled(services: Services, user: int) -> None:
    view = await services.pause.overview(user, NOW)
    assert isinstance(view, PauseView) and not view.paused
    assert view.timezone == "Europe/Berlin"
    assert {line.habit: line.next_fire_at for line in view.lines} == DUE


async def test_a_day_off_moves_every_reminder_past_it(
    services: Services, sessionmaker, user: int
) -> None:
    view = await services.pause.pause(user, "day", NOW)
    assert isinstance(view, PauseView) and view.paused
    assert view.paused_until == NOW + timedelta(days=1)
    assert {line.habit: line.next_fire_at for line in view.lines} == {
        habit: due + timedelta(days=1) for habit, due in DUE.items()
    }
    assert await next_fire(sessionmaker, user, "b12") == DUE[Habit.B12] + timedelta(days=1)
    # Once the pause has run out, the user is no longer paused, with nothing to do.
    later = await services.pause.overview(user, NOW + timedelta(days=1, seconds=1))
    assert isinstance(later, PauseView) and not later.paused and later.paused_until is None


async def test_a_pause_without_end_stops_reminders_until_resumed(
    services: Services, sessionmaker, user: int
) -> None:
    view = await services.pause.pause(user, "resume", NOW)
    assert isinstance(view, PauseView) and view.paused and view.paused_until is None
    assert all(line.next_fire_at is None for line in view.lines)
    assert await next_fire(sessionmaker, user, "fiber") is None
    week_later = NOW + timedelta(days=7)
    resumed = await services.pause.resume(user, week_later)
    assert isinstance(resumed, PauseView) and not resumed.paused
    assert {line.habit: line.next_fire_at for line in resumed.lines} == {
        habit: due + timedelta(days=7) for habit, due in DUE.items()
    }


async def test_no_pause_before_the_intake_is_done(services: Services, sessionmaker) -> None:
    """Refused until there is a schedule: /resume ends a pause kept from before a start over
    (the row is written) but shows nothing."""
    nobody = await services.pause.overview(NEWCOMER, NOW)
    assert nobody == Refusal(Why.NOT_SET_UP, None)  # no row: no language known
    await seed_newcomer(sessionmaker, NEWCOMER, NOW)
    assert await services.pause.pause(NEWCOMER, "week", NOW) == Refusal(Why.STALE, "en")
    assert await services.pause.overview(NEWCOMER, NOW) == Refusal(Why.NOT_SET_UP, "en")
    assert await services.pause.resume(NEWCOMER, NOW) == Refusal(Why.NOT_SET_UP, "en")
    assert (await user_row(sessionmaker, NEWCOMER)).paused is False
