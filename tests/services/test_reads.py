"""One transaction reads each row once: the intake's and /settings' answers read the user's
reminder rows once, whatever they change, and the view after the change takes the same rows."""

from __future__ import annotations

from datetime import time

from coach.domain.habits import Habit
from coach.domain.reminders import Kind
from coach.services import Services
from coach.services.answers import Answer
from tests.support.seeding import ENROLLED_AT, seed_newcomer
from tests.support.sql import reads_of, statements

NOW = ENROLLED_AT
NEWCOMER = 13_101


async def test_each_settings_change_reads_the_reminder_rows_once(
    services: Services, user: int
) -> None:
    settings = services.settings
    changes = {
        "a habit off": lambda: settings.set_habit(user, Habit.FIBER, False, NOW),
        "a habit on": lambda: settings.set_habit(user, Habit.FIBER, True, NOW),
        "other time": lambda: settings.ask_time(user, Habit.B12, NOW),
        "a time": lambda: settings.choose_time(user, Habit.B12, time(9, 15), NOW),
        "the check-in's day": lambda: settings.set_weekly(user, Kind.CHECKIN, NOW, weekday=2),
        "the day's end": lambda: settings.set_day_end(user, time(2), NOW),
        "the language": lambda: settings.choose_language(user, "ko", NOW),
    }
    for name, change in changes.items():
        with statements() as seen:
            result = await change()
        assert result.answer is Answer.ACCEPTED, name
        assert len(reads_of("reminders", seen)) == 1, (name, reads_of("reminders", seen))


async def test_the_intake_reads_the_reminder_rows_once_per_answer(
    services: Services, sessionmaker
) -> None:
    await seed_newcomer(sessionmaker, NEWCOMER, NOW)  # asked for a time zone
    intake = services.intake
    with statements() as seen:
        result = await intake.answer_text(NEWCOMER, "Europe/Berlin", NOW)
    assert result.answer is Answer.ACCEPTED
    assert len(reads_of("reminders", seen)) == 1, reads_of("reminders", seen)
    assert result.view is not None
    round_ = result.view.round
    steps = {
        "no safety condition": lambda: intake.finish_safety(NEWCOMER, round_, True, NOW),
        "a habit off": lambda: intake.set_habit(NEWCOMER, round_, Habit.FIBER, False, NOW),
        "the habits chosen": lambda: intake.finish_habits(NEWCOMER, round_, NOW),
    }
    for name, step in steps.items():
        with statements() as seen:
            result = await step()
        assert result.answer is Answer.ACCEPTED, name
        assert len(reads_of("reminders", seen)) == 1, (name, reads_of("reminders", seen))
    assert result.view is not None
    while (habit := result.view.pending_habit) is not None:  # each time asked for
        with statements() as seen:
            result = await intake.choose_time(NEWCOMER, round_, habit, time(7), NOW)
        assert result.answer is Answer.ACCEPTED and result.view is not None, habit
        assert len(reads_of("reminders", seen)) == 1, (habit, reads_of("reminders", seen))
