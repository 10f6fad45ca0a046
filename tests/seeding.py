"""Users with finished intakes and due reminders, written straight to a database: for tests
and benchmarks that start from a populated schedule rather than thousands of intakes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert

from coach.db.engine import create_engine
from coach.db.models import Reminder, User
from coach.domain.habits import Habit

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
