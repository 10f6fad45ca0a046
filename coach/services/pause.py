"""/reminders, /pause and /resume: the user's view of their schedule."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Reminder, User
from coach.db.repositories import ReminderRepository
from coach.domain.habits import Habit
from coach.domain.intake import Step
from coach.domain.plan import Plan
from coach.domain.reminders import Kind, coached
from coach.domain.zones import zone_info
from coach.reminders.fire_times import reschedule, resting
from coach.services.refusals import Refusal, Why, refused

PAUSES = {"day": timedelta(days=1), "week": timedelta(days=7), "resume": None}


@dataclass(frozen=True)
class ReminderLine:
    habit: Habit
    local_time: time
    next_fire_at: datetime | None  # UTC; None while paused for good or blocked


@dataclass(frozen=True)
class PauseView:
    language: str
    timezone: str
    lines: tuple[ReminderLine, ...]
    paused: bool
    paused_until: datetime | None  # UTC; None with paused=True means until /resume
    # The weekly check-in and summary, when on: (kind, next fire time in UTC or None).
    weekly: tuple[tuple[Kind, datetime | None], ...] = ()
    today: date | None = None  # the calendar day where the user is: "today", "tomorrow"
    was_paused: bool = False  # resume: whether a pause was on to end


class PauseService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], plan: Plan) -> None:
        self._sessionmaker = sessionmaker
        self._plan = plan

    async def overview(self, user_id: int, now: datetime) -> PauseView | Refusal:
        """The user's reminders with their next fire times, and whether they are paused.
        Refused until the intake is done: there is no schedule to show."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None or user.intake_step != Step.DONE:
                return refused(Why.NOT_SET_UP, user)
            return _view(self._plan, user, await ReminderRepository(session).of_user(user.id), now)

    async def pause(self, user_id: int, how_long: str, now: datetime) -> PauseView | Refusal:
        """Pause for a day, a week, or until resumed ("resume" pauses with no end). The rows
        move past the pause (or stop until /resume): paused days write nothing."""
        async with self._sessionmaker.begin() as session:
            user = await session.get(User, user_id, with_for_update=True)
            if user is None or user.intake_step != Step.DONE:  # a button from before a
                return refused(Why.STALE, user)  # start over, or someone else's
            span = PAUSES[how_long]
            user.paused = True
            user.paused_until = None if span is None else now + span
            return _view(self._plan, user, await reschedule(session, self._plan, user, now), now)

    async def resume(self, user_id: int, now: datetime) -> PauseView | Refusal:
        """Reminders back on at once (a pause left from before a start over ends too, though
        until the intake is done this is refused: there is no schedule to show)."""
        async with self._sessionmaker.begin() as session:
            user = await session.get(User, user_id, with_for_update=True)
            if user is None:
                return refused(Why.NOT_SET_UP, user)
            was_paused = user.paused_at(now)
            user.paused = False
            user.paused_until = None
            reminders = await reschedule(session, self._plan, user, now)
            if user.intake_step != Step.DONE:
                return refused(Why.NOT_SET_UP, user)
            return replace(_view(self._plan, user, reminders, now), was_paused=was_paused)


def _view(plan: Plan, user: User, reminders: Sequence[Reminder], now: datetime) -> PauseView:
    rows = {r.kind: r for r in reminders}
    lines = tuple(
        ReminderLine(h, rows[h].local_time, rows[h].next_fire_at)  # type: ignore[arg-type]
        for h in coached(r.kind for r in reminders if r.enabled)
        if rows[h].local_time is not None
    )
    paused = user.paused_at(now)
    today = user.today(now)
    weekly = tuple(
        (kind, row.next_fire_at)
        for kind in (Kind.CHECKIN, Kind.DIGEST)
        if (row := rows.get(kind)) is not None
        and row.enabled
        and not resting(plan, user, kind, today)  # not once the plan is over
    )
    return PauseView(
        language=user.language,
        timezone=user.timezone or "UTC",
        lines=lines,
        paused=paused,
        paused_until=user.paused_until if paused else None,
        weekly=weekly,
        today=now.astimezone(zone_info(user.timezone or "UTC")).date(),
    )
