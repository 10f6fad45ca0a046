"""Logging the habits: from a reminder's buttons or from /today, with the follow-up
questions (which fermented food, how much fiber), notes, and days logged late.

One check-in per habit per local day (a unique constraint): double taps, taps on old
reminders and changed minds leave one row, holding the last answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Delivery, User
from coach.db.repositories import (
    CheckInRepository,
    DeliveryRepository,
    ReminderRepository,
    UserRepository,
)
from coach.domain.awaiting import AwaitNote
from coach.domain.checkins import (
    BACKFILL_DAYS,
    FOLLOW_UPS,
    NOTE_LIMIT,
    TOO_MUCH,
    CheckInStatus,
    Food,
    clean_note,
)
from coach.domain.habits import HABITS, Habit, Safety
from coach.domain.plan import WeekTargets
from coach.domain.reminders import Status
from coach.services.refusals import Refusal, Why, refused
from coach.services.targets import TargetBook


@dataclass(frozen=True)
class DayRef:
    """A habit on one of the user's local days: what /today's buttons point at."""

    habit: Habit
    day: date


Ref = int | DayRef  # a reminder's delivery id, or a habit and day
Logged = tuple[CheckInStatus | None, str | None, str | None]  # a day's status, detail, note
NOTHING: Logged = (None, None, None)


@dataclass(frozen=True)
class CheckInView:
    """One habit on one day after a tap, for editing the tapped message in place."""

    language: str
    timezone: str
    habit: Habit
    day: date
    status: CheckInStatus | None  # None: nothing logged for that day
    detail: str | None  # the follow-up answer
    note: str | None
    targets: WeekTargets  # that day's
    # How the tolerance rule now moves this habit's next week ("held", "back" or "").
    next_change: str = ""
    next_targets: WeekTargets | None = None
    snooze_until: datetime | None = None  # the re-fire time, when snoozed
    snooze_allowed: bool = False
    # The day's checklist after the change, when asked for (a tap on /today).
    checklist: DayView | None = None


@dataclass(frozen=True)
class HabitDay:
    habit: Habit
    status: CheckInStatus | None
    detail: str | None
    note: str | None


@dataclass(frozen=True)
class DayView:
    """/today (or an earlier day): each habit the user coaches and what is logged."""

    language: str
    day: date
    today: date
    earliest: date  # the earliest day that can still be logged
    items: tuple[HabitDay, ...]
    targets: WeekTargets


@dataclass(frozen=True)
class NoteResult:
    view: CheckInView | None  # None: the check-in it was for is gone
    saved: bool  # False: too long or empty; the question stays open
    language: str


class CheckInService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], book: TargetBook) -> None:
        self._sessionmaker = sessionmaker
        self._book = book

    async def log(
        self,
        user_id: int,
        ref: Ref,
        status: CheckInStatus,
        now: datetime,
        checklist: bool = False,
        if_open: bool = False,
    ) -> CheckInView | Refusal:
        """Done or skipped for the day. Refused: not this user's, too old, or not a habit.
        checklist=True also returns the day's checklist, from the same transaction.
        if_open=True (an open habit's button on /today): a day logged since that message
        was drawn is not logged again; its entry comes back as it is, without a checklist."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, ref, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, _, habits = found
            checkins = CheckInRepository(session)
            if if_open:
                row = await checkins.add(user_id, habit, day, status, now)
                if row is None:
                    return await self._view(session, user, habit, day, now)
            else:
                row = await checkins.save(user_id, habit, day, status, now)
            return await self._view(
                session, user, habit, day, now, checklist=checklist, row=row, habits=habits
            )

    async def answer(
        self, user_id: int, ref: Ref, detail: str, now: datetime, checklist: bool = False
    ) -> CheckInView | Refusal:
        """The follow-up after Done: which fermented food, or how much fiber."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, ref, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, _, habits = found
            no_natto = Safety.BLOOD_THINNER in user.safety
            if detail not in FOLLOW_UPS[habit] or (no_natto and detail == Food.NATTO):
                return refused(Why.TOO_OLD, user)
            row = await CheckInRepository(session).save(
                user_id, habit, day, CheckInStatus.DONE, now, detail
            )
            return await self._view(
                session,
                user,
                habit,
                day,
                now,
                check_next=detail == TOO_MUCH,
                checklist=checklist,
                row=row,
                habits=habits,
            )

    async def undo(
        self, user_id: int, ref: Ref, now: datetime, checklist: bool = False
    ) -> CheckInView | Refusal:
        """Take back what was logged for the day."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, ref, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, _, habits = found
            await CheckInRepository(session).remove(user_id, habit, day)
            return await self._view(
                session, user, habit, day, now, checklist=checklist, row=NOTHING, habits=habits
            )

    async def look(self, user_id: int, ref: Ref, now: datetime) -> CheckInView | Refusal:
        """What is logged for the day, changing nothing (a ticked habit opened from /today)."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, ref, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, _, _ = found
            return await self._view(session, user, habit, day, now)

    async def ask_note(self, user_id: int, ref: Ref, now: datetime) -> CheckInView | Refusal:
        """Open the note question for a logged day: the user's next text is the note."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, ref, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, _, _ = found
            view = await self._view(session, user, habit, day, now)
            if view.status is None:
                return refused(Why.TOO_OLD, user)
            user.question = AwaitNote(habit, day)
            return view

    async def save_note(self, user_id: int, text: str, now: datetime) -> NoteResult | None:
        """Typed text while a note is asked for. None: no note question is open."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            question = user.question if user is not None else None
            if user is None or not isinstance(question, AwaitNote):
                return None
            habit, day = question.habit, question.day
            note = clean_note(text)
            if not note or len(note) > NOTE_LIMIT:
                return NoteResult(None, saved=False, language=user.language)
            user.question = None
            if not await CheckInRepository(session).set_note(user_id, habit, day, note, now):
                return NoteResult(None, saved=True, language=user.language)
            view = await self._view(session, user, habit, day, now)
            return NoteResult(view, saved=True, language=user.language)

    async def snooze(
        self, user_id: int, delivery_id: int, minutes: int | None, now: datetime
    ) -> CheckInView | Refusal:
        """minutes None: may this reminder be snoozed? Else re-fire it once, `minutes` from now."""
        async with self._sessionmaker.begin() as session:
            found = await self._resolve(session, user_id, delivery_id, now)
            if isinstance(found, Refusal):
                return found
            user, habit, day, delivery, _ = found
            assert delivery is not None
            reminder = await ReminderRepository(session).locked(delivery.reminder_id)
            if reminder is None or not reminder.enabled:
                return refused(Why.TOO_OLD, user)
            view = await self._view(session, user, habit, day, now)
            if delivery.status == Status.SNOOZED and reminder.snoozed:  # a double tap
                return replace(view, snooze_until=reminder.next_fire_at)
            until = now + timedelta(minutes=minutes or 0)
            allowed = (
                not delivery.snooze  # a snooze re-fires once
                and delivery.status == Status.SENT
                # It must not swallow the next regular reminder or spill into another day.
                and (reminder.next_fire_at is None or until < reminder.next_fire_at)
                # Never back onto an occurrence already claimed (another clock, or a host's
                # clock stepped back).
                and (
                    minutes is None or reminder.last_due_at is None or until > reminder.last_due_at
                )
                and user.today(until) == delivery.local_day
            )
            if minutes is None or not allowed:
                return replace(view, snooze_allowed=allowed)
            reminder.next_fire_at = until
            reminder.snoozed = True
            delivery.status = Status.SNOOZED
            delivery.updated_at = now
            return replace(view, snooze_until=until)

    async def day(self, user_id: int, day: date | None, now: datetime) -> DayView | Refusal:
        """The checklist for today (day None) or one of the last BACKFILL_DAYS days.
        Refused: the intake isn't done, or the day is out of reach."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not user.enrolled:
                return refused(Why.NOT_SET_UP, user)
            today = user.today(now)
            day = today if day is None else day
            if not _within_reach(user, day, today):
                return refused(Why.TOO_OLD, user)
            _close_note_question(user)  # moving on closes an unanswered note question
            return await self._day_view(session, user, day, today)

    async def _resolve(
        self, session: AsyncSession, user_id: int, ref: Ref, now: datetime
    ) -> tuple[User, Habit, date, Delivery | None, tuple[Habit, ...] | None] | Refusal:
        """The user, habit and day a button points at, if it is theirs and within reach;
        the reminder's delivery, or (for /today's buttons) the habits the user coaches.
        Refused (all alike, as too old: a reminder or day out of reach is by far the usual
        case): someone unknown or not set up, another's reminder, a day or habit out of
        reach."""
        if isinstance(ref, DayRef):
            user = await UserRepository(session).locked(user_id)
            if user is None or not user.enrolled:
                return refused(Why.TOO_OLD, user)
            if not _within_reach(user, ref.day, user.today(now)):
                return refused(Why.TOO_OLD, user)
            habits = await ReminderRepository(session).coached_habits(user_id)
            if ref.habit not in habits:
                return refused(Why.TOO_OLD, user)
            _close_note_question(user)
            return user, ref.habit, ref.day, None, habits
        # Only the user's row is locked here (the one lock order, reminders/store.py:
        # a user's row first); the delivery is locked when it is written, after it.
        row = await DeliveryRepository(session).with_user_locked(ref, user_id)
        if row is None:
            return refused(Why.TOO_OLD, None)
        user, delivery = row
        if delivery is None or delivery.kind not in _HABIT_KINDS:
            return refused(Why.TOO_OLD, user)
        if (user.today(now) - delivery.local_day).days > BACKFILL_DAYS:
            return refused(Why.TOO_OLD, user)
        _close_note_question(user)
        return user, Habit(delivery.kind), delivery.local_day, delivery, None

    async def _view(
        self,
        session: AsyncSession,
        user: User,
        habit: Habit,
        day: date,
        now: datetime,
        check_next: bool = False,
        checklist: bool = False,
        row: Logged | None = None,
        habits: tuple[Habit, ...] | None = None,
    ) -> CheckInView:
        """The habit's day as it now stands. `row`: what was just written (saves reading it
        back); `habits`: the coached habits, if already read."""
        await session.flush()
        if row is None:
            found = await CheckInRepository(session).get(user.id, habit, day)
            row = (CheckInStatus(found.status), found.detail, found.note) if found else NOTHING
        status, detail, note = row
        signals = (await self._book.signals(session, [user])).get(user.id)
        targets = self._book.targets(user, day, signals)
        next_targets, change = None, ""
        if check_next and targets.week < targets.weeks and not targets.maintenance:
            next_targets = self._book.targets(user, day + timedelta(days=7), signals)
            change = (
                next_targets.fiber_change if habit is Habit.FIBER else next_targets.fermented_change
            )
        listed = None
        if checklist:
            listed = await self._day_view(session, user, day, user.today(now), targets, habits)
        return CheckInView(
            language=user.language,
            timezone=user.timezone or "UTC",
            habit=habit,
            day=day,
            status=status,
            detail=detail,
            note=note,
            targets=targets,
            next_change=change,
            next_targets=next_targets,
            checklist=listed,
        )

    async def _day_view(
        self,
        session: AsyncSession,
        user: User,
        day: date,
        today: date,
        targets: WeekTargets | None = None,
        habits: tuple[Habit, ...] | None = None,
    ) -> DayView:
        if habits is None:
            habits = await ReminderRepository(session).coached_habits(user.id)
        logged = {c.habit: c for c in await CheckInRepository(session).between(user.id, day, day)}
        items = tuple(
            HabitDay(
                h,
                CheckInStatus(logged[h].status) if h in logged else None,
                logged[h].detail if h in logged else None,
                logged[h].note if h in logged else None,
            )
            for h in habits
        )
        if targets is None:
            targets = await self._book.targets_for(session, user, day)
        assert user.plan_started_on is not None
        earliest = max(today - timedelta(days=BACKFILL_DAYS), user.plan_started_on)
        return DayView(user.language, day, today, earliest, items, targets)


_HABIT_KINDS = frozenset(HABITS)


def _within_reach(user: User, day: date, today: date) -> bool:
    """Today or up to BACKFILL_DAYS back, and not before the plan began."""
    assert user.plan_started_on is not None
    return today - timedelta(days=BACKFILL_DAYS) <= day <= today and day >= user.plan_started_on


def _close_note_question(user: User) -> None:
    if isinstance(user.question, AwaitNote):
        user.question = None
