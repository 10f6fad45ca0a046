"""Logging a habit from a reminder's buttons: done, skip today, undo, snooze.

One check-in per habit per local day (a unique constraint): double taps, taps on old
reminders and changed minds leave one row, holding the last answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import CheckIn, Delivery, Reminder, User
from coach.domain.habits import Habit
from coach.domain.reminders import Status
from coach.domain.schedule import local_date

BACKFILL_DAYS = 3  # a reminder can be answered up to three days late


@dataclass(frozen=True)
class ReminderTap:
    """What a reminder's button did, for editing that message in place."""

    language: str
    habit: Habit
    day: date
    logged: str | None  # "done", "skipped", or None (nothing logged for that day)
    snooze_until: datetime | None  # the re-fire time, when snoozed
    snooze_allowed: bool
    timezone: str


class CheckInService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def log(
        self, user_id: int, delivery_id: int, status: str, now: datetime
    ) -> ReminderTap | None:
        """Done or skipped for the reminder's day. None: not this user's, or too old."""
        async with self._sessionmaker.begin() as session:
            found = await _own_delivery(session, user_id, delivery_id, now)
            if found is None:
                return None
            delivery, user = found
            insert = (
                postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
            )
            statement = insert(CheckIn).values(
                user_id=user_id,
                habit=delivery.kind,
                day=delivery.local_day,
                status=status,
                updated_at=now,
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=["user_id", "habit", "day"],
                    set_={"status": status, "updated_at": now},
                )
            )
            return _tap(user, delivery, logged=status)

    async def undo(self, user_id: int, delivery_id: int, now: datetime) -> ReminderTap | None:
        """Take back what was logged for the reminder's day."""
        async with self._sessionmaker.begin() as session:
            found = await _own_delivery(session, user_id, delivery_id, now)
            if found is None:
                return None
            delivery, user = found
            await session.execute(
                delete(CheckIn).where(
                    CheckIn.user_id == user_id,
                    CheckIn.habit == delivery.kind,
                    CheckIn.day == delivery.local_day,
                )
            )
            return _tap(user, delivery, logged=None)

    async def snooze(
        self, user_id: int, delivery_id: int, minutes: int | None, now: datetime
    ) -> ReminderTap | None:
        """minutes None: may this reminder be snoozed? Else re-fire it once, `minutes` from now."""
        async with self._sessionmaker.begin() as session:
            found = await _own_delivery(session, user_id, delivery_id, now)
            if found is None:
                return None
            delivery, user = found
            reminder = await session.get(Reminder, delivery.reminder_id, with_for_update=True)
            if reminder is None or not reminder.enabled:
                return None
            if delivery.status == Status.SNOOZED and reminder.snoozed:  # a double tap
                return _tap(user, delivery, logged=None, until=reminder.next_fire_at)
            until = now + timedelta(minutes=minutes or 0)
            allowed = (
                not delivery.snooze  # a snooze re-fires once
                and delivery.status == Status.SENT
                # It must not swallow the next regular reminder or spill into another day.
                and (reminder.next_fire_at is None or until < reminder.next_fire_at)
                and local_date(until, user.timezone or "UTC") == delivery.local_day
            )
            if minutes is None or not allowed:
                return _tap(user, delivery, logged=None, allowed=allowed)
            reminder.next_fire_at = until
            reminder.snoozed = True
            delivery.status = Status.SNOOZED
            delivery.updated_at = now
            return _tap(user, delivery, logged=None, until=until)


async def _own_delivery(
    session: AsyncSession, user_id: int, delivery_id: int, now: datetime
) -> tuple[Delivery, User] | None:
    """The delivery if it is this user's and its day is at most BACKFILL_DAYS back."""
    row = (
        await session.execute(
            select(Delivery, User)
            .join(User, Delivery.user_id == User.id)
            .where(Delivery.id == delivery_id, Delivery.user_id == user_id)
            .with_for_update(of=Delivery)
        )
    ).first()
    if row is None:
        return None
    delivery, user = row
    today = local_date(now, user.timezone or "UTC")
    if (today - delivery.local_day).days > BACKFILL_DAYS:
        return None
    return delivery, user


def _tap(
    user: User,
    delivery: Delivery,
    logged: str | None,
    until: datetime | None = None,
    allowed: bool = False,
) -> ReminderTap:
    return ReminderTap(
        language=user.language,
        habit=Habit(delivery.kind),
        day=delivery.local_day,
        logged=logged,
        snooze_until=until,
        snooze_allowed=allowed,
        timezone=user.timezone or "UTC",
    )
