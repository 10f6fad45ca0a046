"""/settings: any intake answer changed later, once the intake is done. Scheduling follows
each change at once, and only for the rows whose inputs changed (a due or snoozed reminder
of another habit keeps its occurrence).

Every change is for a user who finished the intake; anyone else's tap is STALE and writes
nothing. A typed answer to a question /settings opened (a time zone, a reminder time) is
read by the intake service's typed-answer methods, which serve whichever question is open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import SAFETY_COLUMNS, Reminder, User
from coach.db.repositories import UserRepository
from coach.domain.awaiting import AwaitTime, AwaitTimezone
from coach.domain.habits import PRESET_TIMES, Habit, Safety
from coach.domain.intake import Step
from coach.domain.plan import Plan
from coach.domain.reminders import Kind
from coach.reminders.fire_times import reschedule, resting
from coach.services.answers import (
    Answer,
    ProfileView,
    add_reminder,
    habits_of,
    profile_fields,
    reminder_rows,
    set_time,
    time_question_open,
)


@dataclass(frozen=True)
class SettingsResult:
    view: ProfileView | None  # None: not a user who finished the intake
    answer: Answer


class SettingsService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], plan: Plan) -> None:
        self._sessionmaker = sessionmaker
        self._plan = plan

    async def open(self, user_id: int, now: datetime) -> SettingsResult:
        """The menu: closes any question an earlier visit left open. STALE (with the view of
        someone still in the intake, for their language) if the intake is not done."""
        return await self._change(user_id, now, _close_question)

    async def ask_timezone(self, user_id: int, now: datetime) -> SettingsResult:
        """Typed text (or a shared location) is now a time zone."""

        def ask(user: User) -> None:
            user.question = AwaitTimezone()

        return await self._change(user_id, now, ask)

    async def choose_language(self, user_id: int, language: str, now: datetime) -> SettingsResult:
        def choose(user: User) -> None:
            user.language = language

        return await self._change(user_id, now, choose)

    async def set_safety(
        self, user_id: int, flag: Safety, on: bool, now: datetime
    ) -> SettingsResult:
        """Tick or untick one condition (a repeated tap changes nothing)."""

        def tick(user: User) -> None:
            setattr(user, SAFETY_COLUMNS[flag], on)

        return await self._change(user_id, now, tick)

    async def set_habit(
        self, user_id: int, habit: Habit, on: bool, now: datetime
    ) -> SettingsResult:
        """Switch a habit on or off. One must stay on; a habit switched on gets its first
        preset time at once (the user can change it), and counts from today."""

        async def switch(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            reminders = habits_of(rows)
            target = reminders.get(habit)
            if target is None:
                target = Reminder(user_id=user.id, kind=habit, enabled=False)
                add_reminder(session, rows, target)
            if not on and not [h for h, r in reminders.items() if r.enabled and h != habit]:
                return Answer.NOTHING_CHOSEN
            was_on = target.enabled
            target.enabled = on
            if not on and user.question == AwaitTime(habit):
                user.question = None
            if on and target.local_time is None:
                target.local_time = PRESET_TIMES[habit][0]
            if user.plan_started_on is not None and on != was_on:
                count_from(target, on, user.plan_started_on, user.today(now))
            if on != was_on:  # a repeated tap moves nothing (a due reminder stays due)
                await reschedule(session, self._plan, user, now, kinds={habit}, reminders=rows)
            return Answer.ACCEPTED

        return await self._write(user_id, now, switch)

    async def ask_time(self, user_id: int, habit: Habit, now: datetime) -> SettingsResult:
        """ "Other time" for a habit that is on: typed text is now its time."""

        async def ask(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            if not time_question_open(user, rows, habit, asked=False):
                return Answer.STALE
            user.question = AwaitTime(habit)
            return Answer.ACCEPTED

        return await self._write(user_id, now, ask)

    async def choose_time(
        self, user_id: int, habit: Habit, at: time, now: datetime
    ) -> SettingsResult:
        """A preset time for a habit that is on."""

        async def choose(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            if not time_question_open(user, rows, habit, asked=False):
                return Answer.STALE
            await set_time(session, self._plan, user, rows, habit, at, now)
            return Answer.ACCEPTED

        return await self._write(user_id, now, choose)

    async def set_weekly(
        self,
        user_id: int,
        kind: Kind,
        now: datetime,
        weekday: int | None = None,
        at: time | None = None,
        on: bool | None = None,
    ) -> SettingsResult:
        """Move the weekly check-in or digest to another weekday and/or time, or switch it
        on or off. The digest ends with the plan: a change after that is stale."""

        async def move(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            if kind == Kind.DIGEST and resting(self._plan, user, kind, user.today(now)):
                return Answer.STALE
            row = next((r for r in rows if r.kind == kind), None)
            if row is None:
                return Answer.STALE
            before = (row.days, row.local_time, row.enabled)
            if weekday is not None:
                row.days = 1 << weekday
            if at is not None:
                row.local_time = at
            if on is not None:
                row.enabled = on
            if (row.days, row.local_time, row.enabled) != before:
                await reschedule(session, self._plan, user, now, kinds={kind}, reminders=rows)
            return Answer.ACCEPTED

        return await self._write(user_id, now, move)

    async def set_day_end(self, user_id: int, at: time, now: datetime) -> SettingsResult:
        """When the user's day ends (midnight, or later for night owls)."""

        async def end(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            user.day_ends_at = None if at == time(0) else at
            # Which day each belongs to.
            await reschedule(session, self._plan, user, now, reminders=rows)
            return Answer.ACCEPTED

        return await self._write(user_id, now, end)

    # -- helpers -------------------------------------------------------------------------

    async def _change(self, user_id: int, now: datetime, change) -> SettingsResult:  # type: ignore[no-untyped-def]
        """A change that only sets fields of the user's row, always accepted."""

        async def apply(session: AsyncSession, user: User, rows: list[Reminder]) -> Answer:
            change(user)
            return Answer.ACCEPTED

        return await self._write(user_id, now, apply)

    async def _write(self, user_id: int, now: datetime, apply) -> SettingsResult:  # type: ignore[no-untyped-def]
        """One transaction: the user's row locked, their reminder rows read (once), the
        change applied if the intake is done (else STALE, nothing written), and the view."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None:
                return SettingsResult(None, Answer.STALE)
            rows = await reminder_rows(session, user.id)
            if user.intake_step != Step.DONE:
                answer = Answer.STALE
            else:
                answer = await apply(session, user, rows)
            await session.flush()
            view = ProfileView(**profile_fields(self._plan, user, rows, now))  # type: ignore[arg-type]
            return SettingsResult(view, answer)


def _close_question(user: User) -> None:
    user.question = None


def count_from(reminder: Reminder, on: bool, started: date, today: date) -> None:
    """A habit switched on or off while the plan runs: from when it counts. One that was
    off for the whole plan so far counts from today (the days before are not missed); one
    that was coached for a while keeps counting from when it began, so switching it off and
    on again never erases earlier misses."""
    if not on:
        reminder.off_since = today
        return
    first = reminder.coached_since or started
    if reminder.off_since is None or reminder.off_since <= first:
        reminder.coached_since = today if today > started else None
    reminder.off_since = None
