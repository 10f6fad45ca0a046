"""CheckInService called directly: done, undo, skip, follow-ups, notes and the day view, on
SQLite and PostgreSQL, with no intake walked over HTTP."""

from __future__ import annotations

from datetime import date, time, timedelta

from coach.domain.checkins import BACKFILL_DAYS, NOTE_LIMIT, Food
from coach.domain.habits import HABITS, Habit
from coach.services import Services
from coach.services.checkins import CheckInView, DayRef, DayView
from coach.services.refusals import Refusal, Why
from tests.support.rows import checkins, user_row
from tests.support.seeding import ENROLLED_AT, PLAN_START, seed_enrolled_user, seed_newcomer

NOW, MONDAY = ENROLLED_AT, PLAN_START  # Monday 01:30 in Berlin: the plan's first day
ONLY_B12, NEWCOMER = 11_002, 11_003
LATER = NOW + timedelta(days=2, hours=10)  # Wednesday afternoon in Berlin
TOO_OLD = Refusal(Why.TOO_OLD, "en")  # refused, in the user's language


async def test_done_is_stored_and_shown_in_the_days_checklist(
    services: Services, sessionmaker, user: int
) -> None:
    view = await services.checkins.log(user, DayRef(Habit.B12, MONDAY), "done", NOW, True)
    assert isinstance(view, CheckInView)
    assert (view.habit, view.day, view.status, view.detail) == (Habit.B12, MONDAY, "done", None)
    assert view.language == "en" and view.timezone == "Europe/Berlin"
    assert view.checklist is not None
    assert {item.habit: item.status for item in view.checklist.items} == {
        Habit.FERMENTED: None,
        Habit.FIBER: None,
        Habit.B12: "done",
    }
    assert await checkins(sessionmaker, user) == [("b12", MONDAY, "done", None)]


async def test_a_changed_mind_leaves_one_row_holding_the_last_answer(
    services: Services, sessionmaker, user: int
) -> None:
    ref = DayRef(Habit.FIBER, MONDAY)
    await services.checkins.log(user, ref, "done", NOW)
    await services.checkins.log(user, ref, "done", NOW)  # a double tap
    view = await services.checkins.log(user, ref, "skipped", NOW + timedelta(minutes=1))
    assert isinstance(view, CheckInView) and view.status == "skipped"
    assert await checkins(sessionmaker, user) == [("fiber", MONDAY, "skipped", None)]


async def test_undo_takes_the_day_back(services: Services, sessionmaker, user: int) -> None:
    ref = DayRef(Habit.B12, MONDAY)
    await services.checkins.log(user, ref, "done", NOW)
    view = await services.checkins.undo(user, ref, NOW, checklist=True)
    assert isinstance(view, CheckInView) and view.status is None
    assert view.checklist is not None
    assert all(item.status is None for item in view.checklist.items)
    assert await checkins(sessionmaker, user) == []


async def test_the_fermented_follow_up_records_which_food(
    services: Services, sessionmaker, user: int
) -> None:
    ref = DayRef(Habit.FERMENTED, MONDAY)
    await services.checkins.log(user, ref, "done", NOW)
    view = await services.checkins.answer(user, ref, Food.KEFIR, NOW)
    assert isinstance(view, CheckInView) and (view.status, view.detail) == ("done", "kefir")
    # An answer that is not one of the habit's follow-ups changes nothing.
    assert await services.checkins.answer(user, ref, "pizza", NOW) == TOO_OLD
    assert await services.checkins.answer(user, DayRef(Habit.B12, MONDAY), "kefir", NOW) == TOO_OLD
    assert await checkins(sessionmaker, user) == [("fermented", MONDAY, "done", "kefir")]


async def test_days_out_of_reach_and_strangers_log_nothing(
    services: Services, sessionmaker, user: int
) -> None:
    log = services.checkins.log
    assert await log(user, DayRef(Habit.B12, MONDAY - timedelta(days=1)), "done", NOW) == TOO_OLD
    assert await log(user, DayRef(Habit.B12, MONDAY + timedelta(days=1)), "done", NOW) == TOO_OLD
    too_late = NOW + timedelta(days=BACKFILL_DAYS + 1)
    assert await log(user, DayRef(Habit.B12, MONDAY), "done", too_late) == TOO_OLD
    # Someone the bot has no row for: no language known (the bot asks Telegram).
    stranger = await log(user + 1, DayRef(Habit.B12, MONDAY), "done", NOW)
    assert stranger == Refusal(Why.TOO_OLD, None)
    assert await checkins(sessionmaker, user) == []
    # Within BACKFILL_DAYS a missed day can still be logged.
    late = NOW + timedelta(days=BACKFILL_DAYS)
    assert isinstance(await log(user, DayRef(Habit.B12, MONDAY), "done", late), CheckInView)


async def test_a_habit_the_user_does_not_coach_cannot_be_logged(
    services: Services, sessionmaker
) -> None:
    await seed_enrolled_user(sessionmaker, ONLY_B12, NOW, times={Habit.B12: time(7, 0)})
    fiber = DayRef(Habit.FIBER, MONDAY)
    assert await services.checkins.log(ONLY_B12, fiber, "done", NOW) == TOO_OLD
    day = await services.checkins.day(ONLY_B12, None, NOW)
    assert isinstance(day, DayView) and [item.habit for item in day.items] == [Habit.B12]


async def test_a_note_is_asked_for_then_saved_on_that_day(
    services: Services, sessionmaker, user: int
) -> None:
    ref = DayRef(Habit.B12, MONDAY)
    assert await services.checkins.ask_note(user, ref, NOW) == TOO_OLD  # nothing logged yet
    await services.checkins.log(user, ref, "done", NOW)
    asked = await services.checkins.ask_note(user, ref, NOW)
    assert isinstance(asked, CheckInView) and asked.note is None
    result = await services.checkins.save_note(user, "  felt   fine  ", NOW)
    assert result is not None and result.saved and result.language == "en"
    assert result.view is not None and result.view.note == "felt fine"
    # The question is closed: later text is not a note.
    assert await services.checkins.save_note(user, "more text", NOW) is None
    day = await services.checkins.day(user, MONDAY, NOW)
    assert isinstance(day, DayView)
    assert {item.habit: item.note for item in day.items}[Habit.B12] == "felt fine"


async def test_a_note_too_long_keeps_the_question_open(
    services: Services, sessionmaker, user: int
) -> None:
    ref = DayRef(Habit.B12, MONDAY)
    await services.checkins.log(user, ref, "done", NOW)
    await services.checkins.ask_note(user, ref, NOW)
    result = await services.checkins.save_note(user, "x" * (NOTE_LIMIT + 1), NOW)
    assert result is not None and not result.saved and result.view is None
    result = await services.checkins.save_note(user, "x" * NOTE_LIMIT, NOW)
    assert result is not None and result.saved
    assert result.view is not None and result.view.note == "x" * NOTE_LIMIT


async def test_a_command_closes_an_open_note_question(
    services: Services, sessionmaker, user: int
) -> None:
    ref = DayRef(Habit.B12, MONDAY)
    await services.checkins.log(user, ref, "done", NOW)
    await services.checkins.ask_note(user, ref, NOW)
    await services.users.close_question(user)
    assert (await user_row(sessionmaker, user)).awaiting is None
    assert await services.checkins.save_note(user, "late text", NOW) is None


async def test_the_day_view_reaches_back_three_days_and_no_further(
    services: Services, user: int
) -> None:
    today = await services.checkins.day(user, None, LATER)
    assert isinstance(today, DayView)
    assert (today.day, today.today, today.earliest) == (
        date(2026, 3, 4),
        date(2026, 3, 4),
        MONDAY,  # the plan began then: nothing before it can be logged
    )
    assert [item.habit for item in today.items] == list(HABITS)
    assert today.targets.week == 1
    monday = await services.checkins.day(user, MONDAY, LATER)
    assert isinstance(monday, DayView) and monday.day == MONDAY
    assert await services.checkins.day(user, MONDAY - timedelta(days=1), LATER) == TOO_OLD
    assert await services.checkins.day(user, date(2026, 3, 5), LATER) == TOO_OLD  # tomorrow


async def test_nothing_to_log_before_the_intake_is_done(services: Services, sessionmaker) -> None:
    await seed_newcomer(sessionmaker, NEWCOMER, NOW)
    assert await services.checkins.day(NEWCOMER, None, NOW) == Refusal(Why.NOT_SET_UP, "en")
    logged = await services.checkins.log(NEWCOMER, DayRef(Habit.B12, MONDAY), "done", NOW)
    assert logged == TOO_OLD
    assert await checkins(sessionmaker, NEWCOMER) == []
