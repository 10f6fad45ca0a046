"""The one next-fire rule: when each of a user's reminder rows fires next (the habits every
day, the weekly check-in and digest on their weekdays, the finale once after the plan's last
day). The claim (coach/reminders/store.py) and every settings change (`reschedule`) use
`next_time`, and nothing else computes a fire time."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import Reminder, User
from coach.db.repositories import ReminderRepository
from coach.domain.intake import Step
from coach.domain.plan import Plan, week_of_plan
from coach.domain.reminders import Kind
from coach.domain.schedule import next_fire
from coach.domain.zones import zone_info

# The weekly check-in comes an hour before the digest, on the same day (the last of each
# plan week), so the digest can show its ratings.
CHECKIN_TIME = time(18, 0)
FINALE_TIME = time(10, 0)
DIGEST_TIME = time(19, 0)


def plan_reminders(user: User, existing: set[str]) -> list[Reminder]:
    """The check-in, finale and digest rows a user whose plan starts needs (those not there
    yet).
    The check-in falls on the last day of each plan week, so each one closes a week, and the
    digest follows it that evening."""
    assert user.plan_started_on is not None
    week_end = checkin_days(user.plan_started_on)
    wanted = {
        Kind.CHECKIN: Reminder(
            user_id=user.id,
            kind=Kind.CHECKIN,
            local_time=CHECKIN_TIME,
            days=week_end,
        ),
        Kind.FINALE: Reminder(user_id=user.id, kind=Kind.FINALE, local_time=FINALE_TIME),
        Kind.DIGEST: Reminder(
            user_id=user.id, kind=Kind.DIGEST, local_time=DIGEST_TIME, days=week_end
        ),
    }
    return [row for kind, row in wanted.items() if kind not in existing]


def checkin_days(started_on: date) -> int:
    """The weekday mask of a plan week's last day: the default weekly check-in and digest
    day."""
    return 1 << (started_on + timedelta(days=6)).weekday()


def plan_over(plan: Plan, user: User, day: date) -> bool:
    """Past the plan's last week and not carrying on in maintenance: habits rest."""
    started = user.plan_started_on or day
    return week_of_plan(started, day) > plan.weeks and not user.maintenance


def resting(plan: Plan, user: User, kind: str, day: date) -> bool:
    """Whether a reminder row rests on a local day: habits and check-ins once the plan is
    over (maintenance carries them on); the digest, which sums up the plan, after it ends
    either way (the final report has the last word)."""
    if kind == Kind.DIGEST:
        return week_of_plan(user.plan_started_on or day, day) > plan.weeks
    return plan_over(plan, user, day)


def next_time(plan: Plan, reminder: Reminder, user: User, after: datetime) -> datetime | None:
    """The row's next fire time in UTC, strictly after `after`, or None while it should not
    fire at all (the intake unfinished, switched off, blocked, paused until /resume, resting).

    The one rule for every row, used by the claim and by every settings change. It never
    lands on or before the row's last claimed occurrence, whatever clock `after` came from:
    a handler's clock read just before a claim, another instance's clock a second behind, or
    a host clock that stepped back. A pause with an end moves the row to its first
    occurrence after it, so paused days write nothing.
    """
    zone = user.timezone
    if (
        user.intake_step != Step.DONE
        or zone is None
        or not user.active
        or not reminder.enabled
        or reminder.local_time is None
        or user.plan_started_on is None
    ):
        return None
    if reminder.last_due_at is not None:
        after = max(after, reminder.last_due_at)
    day_end = user.day_ends_at or time(0)
    if reminder.kind == Kind.FINALE:  # told however late, paused or not; once
        if user.plan_completed_on is not None:
            return None
        first_free_day = user.plan_started_on + timedelta(weeks=plan.weeks)
        day_begins = datetime.combine(first_free_day, time(0), zone_info(zone)).astimezone(UTC)
        return next_fire(
            reminder.local_time,
            zone,
            max(after, day_begins - timedelta(seconds=1)),
            day_ends_at=day_end,
        )
    if user.paused_at(after):
        if user.paused_until is None:
            return None
        after = user.paused_until
    at = next_fire(reminder.local_time, zone, after, reminder.days, day_end)
    if resting(plan, user, reminder.kind, user.today(at)):
        return None
    return at


async def reschedule(
    session: AsyncSession,
    plan: Plan,
    user: User,
    now: datetime,
    kinds: Collection[str] | None = None,
    reminders: Sequence[Reminder] | None = None,
) -> Sequence[Reminder]:
    """Scheduling follows a change at once.

    kinds: the rows whose own inputs changed (their time, weekday, on or off); only those
    move, to their next time, and a snooze of theirs is dropped. None: something of the
    user's changed (time zone, pause, day end, plan, blocked or back), so every row is
    recomputed, except that a row already due (waiting for its claim) or snoozed keeps that
    occurrence as long as it fires at all: an unrelated change never drops a reminder that
    came due, nor a snooze the user was promised.

    reminders: the user's rows, if this transaction has read them already (each row is
    read once). Returns every row of the user's, for the caller's view.
    """
    if reminders is None:
        reminders = await ReminderRepository(session).of_user(user.id)
    for reminder in reminders:
        if kinds is not None and reminder.kind not in kinds:
            continue
        wanted = next_time(plan, reminder, user, now)
        pending = reminder.next_fire_at is not None and (
            reminder.snoozed or reminder.next_fire_at <= now
        )
        if kinds is None and pending and wanted is not None:
            continue
        reminder.next_fire_at = wanted
        reminder.snoozed = False
    return reminders
