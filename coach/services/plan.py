"""/plan, and what happens when the 12 weeks are over: maintenance or a new plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Reminder, User
from coach.db.repositories import ReminderRepository, ScoreRepository, UserRepository
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.reminders import Kind, coached
from coach.reminders.fire_times import checkin_days, reschedule
from coach.services.refusals import Refusal, Why, refused
from coach.services.targets import TargetBook


@dataclass(frozen=True)
class PlanView:
    language: str
    habits: tuple[Habit, ...]  # switched on, in plan order
    this_week: WeekTargets
    ahead: tuple[WeekTargets, ...]  # the weeks still to come
    over: bool  # past the last week and not in maintenance: time to choose what next


class PlanService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], book: TargetBook) -> None:
        self._sessionmaker = sessionmaker
        self._book = book

    async def overview(self, user_id: int, now: datetime) -> PlanView | Refusal:
        """This week's targets and the weeks ahead, with the tolerance rule applied."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None or not user.enrolled:
                return refused(Why.NOT_SET_UP, user)
            return await self._view(session, user, now)

    async def keep_going(self, user_id: int, now: datetime) -> PlanView | Refusal:
        """After week 12: the same habits at the final targets, no ramp."""
        async with self._sessionmaker.begin() as session:
            user = await self._finished(session, user_id, now)
            if isinstance(user, Refusal):
                return user
            user.maintenance = True
            reminders = await reschedule(session, self._book.plan, user, now)
            return await self._view(session, user, now, reminders)

    async def start_again(self, user_id: int, now: datetime) -> PlanView | Refusal:
        """A new 12 weeks from today. The old weekly ratings go (their week numbers would
        mix with the new plan's); check-ins and the baseline stay."""
        async with self._sessionmaker.begin() as session:
            user = await self._finished(session, user_id, now)
            if isinstance(user, Refusal):
                return user
            user.plan_started_on = user.today(now)
            user.plan_completed_on = None
            user.maintenance = False
            reminders = await ReminderRepository(session).of_user(user_id)
            for reminder in reminders:
                # Every habit counts from the new first day.
                reminder.coached_since = reminder.off_since = None
                if reminder.kind in (Kind.CHECKIN, Kind.DIGEST):  # closing each week, as before
                    reminder.days = checkin_days(user.plan_started_on)
            await ScoreRepository(session).delete_weekly(user_id)
            await reschedule(session, self._book.plan, user, now, reminders=reminders)
            return await self._view(session, user, now, reminders)

    async def _finished(self, session: AsyncSession, user_id: int, now: datetime) -> User | Refusal:
        """The user, if their plan has run its 12 weeks (a choice before that is stale)."""
        user = await UserRepository(session).locked(user_id)
        if user is None or not user.enrolled:
            return refused(Why.STALE, user)
        if self._book.week(user, user.today(now)) <= self._book.plan.weeks:
            return refused(Why.STALE, user)
        return user

    async def _view(
        self,
        session: AsyncSession,
        user: User,
        now: datetime,
        reminders: Sequence[Reminder] | None = None,
    ) -> PlanView:
        """reminders: the user's rows, if this transaction has read them already."""
        await session.flush()
        if reminders is None:
            habits = await ReminderRepository(session).coached_habits(user.id)
        else:
            habits = coached(r.kind for r in reminders if r.enabled)
        today = user.today(now)
        signals = (await self._book.signals(session, [user])).get(user.id)
        this_week = self._book.targets(user, today, signals)
        ahead = tuple(
            self._book.targets(user, today + timedelta(weeks=n), signals)
            for n in range(1, self._book.plan.weeks - this_week.week + 1)
        )
        week = self._book.week(user, today)
        return PlanView(
            language=user.language,
            habits=habits,
            this_week=this_week,
            ahead=() if this_week.maintenance or week > self._book.plan.weeks else ahead,
            over=week > self._book.plan.weeks and not user.maintenance,
        )
