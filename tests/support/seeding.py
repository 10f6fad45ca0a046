"""Rows written straight to a database: users with finished intakes and due reminders (for
tests and benchmarks that start from a populated schedule rather than thousands of
intakes), an enrolled user for service tests, and copies of a user walked to once."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.engine import create_engine
from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from coach.domain.habits import SYMPTOMS, Habit, Symptom
from coach.domain.intake import Step
from coach.domain.reminders import Status
from coach.domain.symptoms import BASELINE_WEEK
from coach.reminders.fire_times import next_time, plan_reminders, reschedule
from tests.support.services import the_plan

BATCH = 5000


async def seed_due_reminders(
    database_url: str,
    users: int,
    due_at: datetime,
    first_id: int = 1_000_000,
    per_user: int = 1,
    started_on: date | None = None,
) -> list[int]:
    """`users` enrolled users (UTC zone), each with `per_user` reminders; the first is due at
    `due_at`, the others later that day. The plan began on `started_on` (default: the day
    of `due_at`). Returns the user ids."""
    engine = create_engine(database_url)
    ids = list(range(first_id, first_id + users))
    habits = list(Habit)[:per_user]
    local = due_at.astimezone(UTC)
    try:
        for start in range(0, users, BATCH):
            chunk = ids[start : start + BATCH]
            async with engine.begin() as conn:
                await conn.execute(
                    insert(User),
                    [
                        {
                            "id": uid,
                            "language": "en" if uid % 2 else "ko",
                            "intake_step": "done",
                            "timezone": "UTC",
                            "consented_at": local - timedelta(days=1),
                            "plan_started_on": started_on or local.date(),
                        }
                        for uid in chunk
                    ],
                )
                rows = []
                for uid in chunk:
                    for n, habit in enumerate(habits):
                        fire = local + timedelta(hours=n)
                        rows.append(
                            {
                                "user_id": uid,
                                "kind": habit.value,
                                "local_time": time(fire.hour, fire.minute),
                                "next_fire_at": fire,
                            }
                        )
                await conn.execute(insert(Reminder), rows)
    finally:
        await engine.dispose()
    return ids


async def clone_user(
    sessionmaker: async_sessionmaker[AsyncSession], source_id: int, clone_id: int
) -> None:
    """A copy of a user's rows (the user, their reminders, scores and check-ins) under
    another id: a state some flow walked to once, for fuzz examples that each need it
    fresh (walking the flow for every example is the slow part, and tests nothing new)."""
    async with sessionmaker.begin() as session:
        user = (await session.execute(select(User.__table__).where(User.id == source_id))).one()
        await session.execute(insert(User.__table__).values({**user._asdict(), "id": clone_id}))
        for model in (Reminder, SymptomScore, CheckIn):
            table = model.__table__
            rows = (await session.execute(select(table).where(table.c.user_id == source_id))).all()
            copies = [
                {k: v for k, v in row._asdict().items() if k != "id"} | {"user_id": clone_id}
                for row in rows
            ]
            if copies:
                await session.execute(insert(table), copies)


# When the service tests' users finish the intake: Monday 2026-03-02, 01:30 in Berlin (the
# clock fixture's time), so the plan starts that day.
ENROLLED_AT = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)
PLAN_START = date(2026, 3, 2)
# The default intake's answers (tests/support/flows.py ENGLISH_DEFAULT): Berlin, every habit,
# B12 on waking 07:00, fiber at breakfast 08:00, fermented foods at lunch 12:30.
DEFAULT_TIMES: dict[Habit, time] = {
    Habit.B12: time(7, 0),
    Habit.FIBER: time(8, 0),
    Habit.FERMENTED: time(12, 30),
}
DEFAULT_BASELINE: dict[Symptom, int] = dict(zip(SYMPTOMS, (2, 3, 2, 3, 4), strict=True))


async def seed_enrolled_user(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: int,
    now: datetime,
    *,
    language: str = "en",
    zone: str = "Europe/Berlin",
    times: Mapping[Habit, time] = DEFAULT_TIMES,
    baseline: Mapping[Symptom, int] = DEFAULT_BASELINE,
) -> None:
    """A user as the last baseline rating of the intake leaves them at `now`: consented,
    the plan begun today (their local day), a reminder for each habit in `times` and the
    plan's own rows (weekly check-in, digest, finale), all scheduled from `now`."""
    async with sessionmaker.begin() as session:
        user = User(
            id=user_id,
            language=language,
            intake_step=Step.DONE,
            timezone=zone,
            consented_at=now,
        )
        user.plan_started_on = user.today(now)
        session.add(user)
        await session.flush()
        session.add_all(
            Reminder(user_id=user_id, kind=habit.value, local_time=at)
            for habit, at in times.items()
        )
        session.add_all(
            SymptomScore(
                user_id=user_id, week=BASELINE_WEEK, symptom=symptom, score=score, recorded_at=now
            )
            for symptom, score in baseline.items()
        )
        session.add_all(plan_reminders(user, {habit.value for habit in times}))
        await session.flush()
        await reschedule(session, the_plan(), user, now)


async def seed_newcomer(
    sessionmaker: async_sessionmaker[AsyncSession],
    user_id: int,
    now: datetime,
    language: str = "en",
) -> None:
    """A user halfway through the intake: consented, asked for their time zone."""
    async with sessionmaker.begin() as session:
        session.add(
            User(
                id=user_id,
                language=language,
                intake_step=Step.TIMEZONE,
                awaiting="timezone",
                consented_at=now,
            )
        )


async def seed_sent_reminder(
    sessionmaker: async_sessionmaker[AsyncSession], user_id: int, kind: str, due_at: datetime
) -> int:
    """What a dispatch round leaves after sending the user's `kind` reminder due at `due_at`:
    a sent delivery, and the row moved on to its next occurrence. Returns the delivery id
    (what the reminder's buttons carry)."""
    async with sessionmaker.begin() as session:
        user = await session.get(User, user_id)
        reminder = await session.scalar(
            select(Reminder).where(Reminder.user_id == user_id, Reminder.kind == kind)
        )
        assert user is not None and reminder is not None
        delivery = Delivery(
            reminder_id=reminder.id,
            user_id=user_id,
            kind=kind,
            due_at=due_at,
            local_day=user.today(due_at),
            status=Status.SENT,
            message_id=1,
            updated_at=due_at,
        )
        session.add(delivery)
        reminder.last_due_at = due_at
        reminder.next_fire_at = next_time(the_plan(), reminder, user, due_at)
        await session.flush()
        return delivery.id
