"""What the intake asks and /settings changes later: the answers both keep, and the writes
both make (coach/services/intake.py, coach/services/settings.py).

Each service checks that an answer is for where the user is (the intake: its step and
round; /settings: a finished intake), then applies it with the functions here, in its own
transaction, and returns a view read from the same transaction. A transaction reads the
user's reminder rows once (`reminder_rows`); the writes and the view take that list, and a
row added joins it (`add_reminder`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import Reminder, User
from coach.db.repositories import ReminderRepository
from coach.domain.awaiting import Awaiting, AwaitTime
from coach.domain.habits import HABITS, Habit, Safety
from coach.domain.plan import Plan, WeekTargets, week_of_plan
from coach.domain.reminders import Kind
from coach.reminders.fire_times import reschedule, resting

_HABIT_KINDS = frozenset(h.value for h in Habit)


class Answer(StrEnum):
    ACCEPTED = "accepted"
    STALE = "stale"  # a button from another step, round or user state
    INVALID = "invalid"  # typed text that does not parse
    NOTHING_CHOSEN = "nothing_chosen"  # tried to go on with no habit selected, or none left
    USE_BUTTONS = "use_buttons"  # typed text where a tap is expected
    NOT_EXPECTED = "not_expected"  # typed text and no question is open
    AMBIGUOUS = "ambiguous"  # a typed time that reads two ways ("7" for dinner): which one?
    CANCELLED = "cancelled"  # /settings' time-zone question closed with its Cancel button
    TICKED = "ticked"  # "None of these" from a copy of the safety question that showed no
    # ticks, while some are ticked: they are kept, never cleared without the user seeing them


@dataclass(frozen=True, kw_only=True)
class ProfileView:
    """A user's answers as /settings shows them (and the intake's shared questions)."""

    user_id: int
    language: str
    awaiting: Awaiting | None  # the question typed text answers now
    timezone: str | None
    safety: frozenset[Safety]
    habits: tuple[Habit, ...]  # chosen and on, in plan order
    times: tuple[tuple[Habit, time], ...]
    plan_started_on: date | None
    targets: WeekTargets | None  # this week's, once the plan has started
    # The weekly check-in: its weekday (0 = Monday) and time; None before the plan starts.
    checkin_day: int | None = None
    checkin_time: time | None = None
    day_ends_at: time = time(0)
    # The weekly digest: on or off, its weekday and time; None before the plan starts.
    digest_on: bool = False
    digest_day: int | None = None
    digest_time: time | None = None
    digest_ended: bool = False  # the digest rests for good: the plan is over
    # When the first habit reminder comes (UTC), and for which habit; None while none is.
    first_reminder: tuple[datetime, Habit] | None = None

    @property
    def times_by_habit(self) -> dict[Habit, time]:
        return dict(self.times)


async def reminder_rows(session: AsyncSession, user_id: int) -> list[Reminder]:
    """The user's reminder rows: read once per transaction, then handed around."""
    return list(await ReminderRepository(session).of_user(user_id))


def add_reminder(session: AsyncSession, rows: list[Reminder], reminder: Reminder) -> Reminder:
    """A new row of the user's, in the session and in the transaction's list."""
    session.add(reminder)
    rows.append(reminder)
    return reminder


def habits_of(rows: Sequence[Reminder]) -> dict[Habit, Reminder]:
    """The habit rows among a user's rows (not the weekly check-in, digest or finale)."""
    return {Habit(r.kind): r for r in rows if r.kind in _HABIT_KINDS}


def profile_fields(
    plan: Plan, user: User, rows: Sequence[Reminder], now: datetime
) -> dict[str, object]:
    """A ProfileView's fields for this user and their reminder rows."""
    by_kind = {r.kind: r for r in rows}
    reminders = habits_of(rows)
    checkin = by_kind.get(Kind.CHECKIN)
    digest = by_kind.get(Kind.DIGEST)
    safety = user.safety
    targets = None
    if user.plan_started_on is not None and user.timezone is not None:
        week = week_of_plan(user.plan_started_on, user.today(now))
        targets = plan.targets(week, safety)
    return {
        "user_id": user.id,
        "language": user.language,
        "awaiting": user.question,
        "timezone": user.timezone,
        "safety": safety,
        "habits": tuple(h for h in HABITS if h in reminders and reminders[h].enabled),
        "times": tuple(
            (h, reminders[h].local_time)
            for h in HABITS
            if h in reminders and reminders[h].local_time is not None
        ),
        "plan_started_on": user.plan_started_on,
        "targets": targets,
        "checkin_day": checkin.days.bit_length() - 1 if checkin is not None else None,
        "checkin_time": checkin.local_time if checkin is not None else None,
        "day_ends_at": user.day_ends_at or time(0),
        "digest_on": digest is not None and digest.enabled,
        "digest_day": digest.days.bit_length() - 1 if digest is not None else None,
        "digest_time": digest.local_time if digest is not None else None,
        "digest_ended": resting(plan, user, Kind.DIGEST, user.today(now)),
        "first_reminder": min(
            (
                (reminders[h].next_fire_at, h)
                for h in HABITS
                if h in reminders and reminders[h].enabled and reminders[h].next_fire_at
            ),
            default=None,
        ),
    }


async def set_timezone(
    session: AsyncSession,
    plan: Plan,
    user: User,
    rows: Sequence[Reminder],
    zone: str,
    now: datetime,
) -> None:
    """A new time zone: the question closes and every reminder follows the new clock."""
    user.timezone = zone
    user.question = None
    await reschedule(session, plan, user, now, reminders=rows)


async def set_time(
    session: AsyncSession,
    plan: Plan,
    user: User,
    rows: Sequence[Reminder],
    habit: Habit,
    at: time,
    now: datetime,
) -> None:
    """A habit's reminder time: the question closes; the same time again moves nothing (a
    due reminder stays due)."""
    reminder = habits_of(rows)[habit]
    moved = reminder.local_time != at
    reminder.local_time = at
    user.question = None
    if moved:
        await reschedule(session, plan, user, now, kinds={habit}, reminders=rows)


def time_question_open(user: User, rows: Sequence[Reminder], habit: Habit, asked: bool) -> bool:
    """The habit is on, and (`asked`: as the intake needs) its time is the open question."""
    reminder = habits_of(rows).get(habit)
    if reminder is None or not reminder.enabled:
        return False
    return not asked or user.question == AwaitTime(habit)
