"""A sent reminder's buttons, on CheckInService directly: they log the reminder's own day,
only for the user it was sent to, and Snooze re-fires it once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.domain.habits import Habit
from coach.domain.reminders import Status
from coach.services import Services
from coach.services.checkins import CheckInView
from coach.services.refusals import Refusal, Why
from tests.support.rows import checkins, deliveries, reminders
from tests.support.seeding import ENROLLED_AT, PLAN_START, seed_enrolled_user, seed_sent_reminder

B12_DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 in Berlin on the plan's first day
TAPPED = B12_DUE + timedelta(minutes=5)
STRANGER = 16_002


async def test_done_on_a_reminder_logs_its_day_for_its_user_only(
    services: Services, sessionmaker, user: int
) -> None:
    await seed_enrolled_user(sessionmaker, STRANGER, ENROLLED_AT)
    sent = await seed_sent_reminder(sessionmaker, user, "b12", B12_DUE)
    # Refused in the stranger's own language (their row is read, not the reminder's owner's).
    assert await services.checkins.log(STRANGER, sent, "done", TAPPED) == Refusal(Why.TOO_OLD, "en")
    assert await checkins(sessionmaker, STRANGER) == []
    # Tapped two days late, it still logs the day the reminder was for.
    view = await services.checkins.log(user, sent, "done", TAPPED + timedelta(days=2))
    assert isinstance(view, CheckInView) and (view.habit, view.day, view.status) == (
        Habit.B12,
        PLAN_START,
        "done",
    )
    assert await checkins(sessionmaker, user) == [("b12", PLAN_START, "done", None)]


async def test_snooze_re_fires_the_reminder_once(
    services: Services, sessionmaker, user: int
) -> None:
    sent = await seed_sent_reminder(sessionmaker, user, "b12", B12_DUE)
    offer = await services.checkins.snooze(user, sent, None, TAPPED)
    assert isinstance(offer, CheckInView) and offer.snooze_allowed and offer.snooze_until is None
    assert (await reminders(sessionmaker, user))["b12"].next_fire_at == B12_DUE + timedelta(days=1)

    until = TAPPED + timedelta(minutes=30)
    snoozed = await services.checkins.snooze(user, sent, 30, TAPPED)
    assert isinstance(snoozed, CheckInView) and snoozed.snooze_until == until
    row = (await reminders(sessionmaker, user))["b12"]
    assert (row.next_fire_at, row.snoozed) == (until, True)
    [delivery] = await deliveries(sessionmaker, user)
    assert delivery.status == Status.SNOOZED
    # A double tap keeps the first snooze's time.
    again = await services.checkins.snooze(user, sent, 60, TAPPED + timedelta(seconds=1))
    assert isinstance(again, CheckInView) and again.snooze_until == until
    assert (await reminders(sessionmaker, user))["b12"].next_fire_at == until


async def test_a_snooze_never_spills_into_the_next_day(
    services: Services, sessionmaker, user: int
) -> None:
    sent = await seed_sent_reminder(sessionmaker, user, "b12", B12_DUE)
    late = datetime(2026, 3, 2, 22, 45, tzinfo=UTC)  # 23:45 in Berlin
    refused = await services.checkins.snooze(user, sent, 30, late)  # to 00:15 the next day
    assert (
        isinstance(refused, CheckInView)
        and not refused.snooze_allowed
        and refused.snooze_until is None
    )
    row = (await reminders(sessionmaker, user))["b12"]
    assert (row.next_fire_at, row.snoozed) == (B12_DUE + timedelta(days=1), False)
    assert [d.status for d in await deliveries(sessionmaker, user)] == [Status.SENT]
