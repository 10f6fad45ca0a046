"""When each of a user's reminder rows fires next: the habits every day, the weekly
check-in and digest on their weekdays, the finale once after the plan's last day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import Reminder, User
from coach.domain.intake import Step
from coach.domain.plan import Plan, week_of_plan
from coach.domain.reminders import Kind
from coach.domain.schedule import next_fire
from coach.domain.zones import zone_info

# The weekly check-in comes an hour before the digest, so the digest can show its ratings.
CHECKIN_TIME = time(18, 0)
FINALE_TIME = time(10, 0)
DIGEST_TIME = time(19, 0)  # the weekly digest's default: Sunday evening
DIGEST_DAYS = 1 << 6  # Sunday


def plan_reminders(user: User, existing: set[str]) -> list[Reminder]:
    """The check-in, finale and digest rows a user whose plan starts needs (those not there
    yet).
    The check-in falls on the last day of each plan week, so each one closes a week."""
    assert user.plan_started_on is not None
    wanted = {
        Kind.CHECKIN: Reminder(
            user_id=user.id,
            kind=Kind.CHECKIN,
            local_time=CHECKIN_TIME,
            days=checkin_days(user.plan_started_on),
        ),
        Kind.FINALE: Reminder(user_id=user.id, kind=Kind.FINALE, local_time=FINALE_TIME),
        Kind.DIGEST: Reminder(
            user_id=user.id, kind=Kind.DIGEST, local_time=DIGEST_TIME, days=DIGEST_DAYS
        ),
    }
    return [row for kind, row in wanted.items() if kind not in existing]


def checkin_days(started_on: date) -> int:
    """The weekday mask of a plan week's last day: the default weekly check-in day."""
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


def next_time(plan: Plan, reminder: Reminder, user: User, now: datetime) -> datetime | None:
    """The row's next fire time in UTC, or None while it should not fire at all."""
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
    if reminder.kind == Kind.FINALE:
        if user.plan_completed_on is not None:
            return None
        first_free_day = user.plan_started_on + timedelta(weeks=plan.weeks)
        day_begins = datetime.combine(first_free_day, time(0), zone_info(zone)).astimezone(UTC)
        return next_fire(
            reminder.local_time,
            zone,
            max(now, day_begins - timedelta(seconds=1)),
            day_ends_at=user.day_ends_at or time(0),
        )
    if resting(plan, user, reminder.kind, user.today(now)):
        return None
    return next_fire(reminder.local_time, zone, now, reminder.days, user.day_ends_at or time(0))


async def reschedule(session: AsyncSession, plan: Plan, user: User, now: datetime) -> None:
    """Scheduling follows every change at once: next fire times for every row of the user."""
    for reminder in await session.scalars(select(Reminder).where(Reminder.user_id == user.id)):
        reminder.snoozed = False  # a new schedule replaces any pending snooze
        reminder.next_fire_at = next_time(plan, reminder, user, now)
