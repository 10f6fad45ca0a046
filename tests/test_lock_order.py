"""Claims and user activity at the same moment: no deadlock, no error, nothing lost.

One lock order everywhere (coach/reminders/store.py): a user's row, then their
reminders, then their deliveries. Before it, on PostgreSQL a claim locked reminder rows and
then needed the user's row (its deliveries' foreign key), while a settings change or /delete
held the user's row and waited for the reminders: PostgreSQL aborted one of them. On SQLite
the claim read its rows before its write transaction began, so a /delete committed in
between failed the whole batch on a foreign key.

Here many claims race many settings changes, pauses and deletions, round after round, on the
real services; every task must finish without an error, and afterwards every surviving user
has exactly one deliveries row per due occurrence and the deleted have none.
"""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from coach.bot.context import RUNTIME_KEY
from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User
from coach.domain.habits import Habit
from tests.support.bot import RunningBot
from tests.support.seeding import seed_due_reminders
from tests.support.services import delete_user

DUE = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
USERS = 120
ROUNDS = 3


async def test_claims_racing_settings_changes_and_deletions(bot: RunningBot, sessionmaker) -> None:
    runtime = bot.application.bot_data[RUNTIME_KEY]
    services, store = runtime.services, runtime.dispatcher.store
    rng = random.Random(13)
    deleted: set[int] = set()
    first = 20_000
    for round_ in range(ROUNDS):
        due = DUE + timedelta(days=round_)
        ids = await seed_due_reminders(
            bot.settings.database_url, USERS, due, first_id=first + round_ * USERS, per_user=3
        )
        # Everyone's three reminders (due, due + 1 h, due + 2 h) are due now, none past the
        # 2 h grace; half the users act while claims run.
        now = due + timedelta(hours=2)
        actors = rng.sample(ids, USERS // 2)
        doomed = set(actors[: USERS // 10])

        async def act(user_id: int, now: datetime = now, doomed: set[int] = doomed) -> None:
            if user_id in doomed:
                await delete_user(services, user_id)
                return
            # Switching a habit off writes the reminder row; a day end and a pause write
            # the user's row and recompute every reminder row.
            habit = rng.choice([Habit.FERMENTED, Habit.FIBER])
            await services.settings.set_habit(user_id, habit, False, now)
            await services.settings.set_day_end(user_id, datetime.min.time(), now)
            await services.pause.pause(user_id, "day", now)

        async def claim_all(now: datetime = now) -> int:
            claimed = 0
            while True:
                due_now, counts = await store.claim(now, 50)
                if not due_now and not counts:
                    return claimed
                claimed += len(due_now) + counts.total()

        results = await asyncio.gather(
            claim_all(), claim_all(), *(act(u) for u in actors), return_exceptions=True
        )
        errors = [r for r in results if isinstance(r, BaseException)]
        assert errors == [], f"round {round_}: {errors[:3]}"
        # A claim skips rows a settings change holds (SKIP LOCKED), and claim_all stops at
        # the first empty claim; the next round (the dispatcher's next wake-up) takes them.
        await claim_all()
        deleted |= doomed
        async with sessionmaker() as session:
            left = await session.scalar(
                select(func.count())
                .select_from(Reminder)
                .where(Reminder.user_id.in_(ids), Reminder.next_fire_at <= now)
            )
        assert left == 0, f"round {round_}: {left} due reminders were never claimed"
        # (Switched off or paused before their claim, some are never claimed: that's fine.)

    async with sessionmaker() as session:
        per_occurrence = (
            await session.execute(
                select(Delivery.reminder_id, Delivery.due_at, func.count()).group_by(
                    Delivery.reminder_id, Delivery.due_at
                )
            )
        ).all()
        assert {n for *_, n in per_occurrence} == {1}, "one deliveries row per occurrence"
        survivors = set(
            await session.scalars(select(User.id).where(User.id >= first, User.id.not_in(deleted)))
        )
        assert len(survivors) == ROUNDS * USERS - len(deleted)
        claimed_users = set(
            await session.scalars(select(Delivery.user_id).where(Delivery.user_id >= first))
        )
        # A survivor's reminders were all claimed (sent, or skipped had they paused).
        assert claimed_users == survivors
        for table in (User, Reminder, Delivery, CheckIn, SymptomScore):
            column = table.id if table is User else table.user_id
            gone = await session.scalar(
                select(func.count()).select_from(table).where(column.in_(deleted))
            )
            assert gone == 0, f"{table.__tablename__} kept rows of deleted users"
