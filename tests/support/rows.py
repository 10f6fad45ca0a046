"""Reading back what the bot stored: one reader per question a test asks of the rows."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.base import Base
from coach.db.engine import create_engine
from coach.db.models import CheckIn, Delivery, Reminder, SymptomScore, User

Sessions = async_sessionmaker[AsyncSession]

# Tables that hold nothing about a person: group chats, and the record of which /announce
# previews were sent (an admin's chat and the announcement's name: the deployment's record
# of its broadcasts, see README.md).
NOT_ABOUT_USERS = {"group_chats", "announcements"}


async def count(url: str, statement) -> int:  # type: ignore[no-untyped-def]
    """The integer a one-value query returns (0 for NULL), on a connection of its own."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        value = (await conn.execute(statement)).scalar()
    await engine.dispose()
    return int(value or 0)


async def checkin_count(url: str) -> int:
    """How many check-ins there are, everybody's."""
    return await count(url, select(func.count()).select_from(CheckIn))


async def delivery_statuses(url: str) -> dict[str, int]:
    """How many deliveries there are in each status, everybody's."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
        found = dict(rows.all())
    await engine.dispose()
    return found  # type: ignore[return-value]


async def user_row(sessionmaker: Sessions, user_id: int) -> User:
    """The user's row (it must exist)."""
    async with sessionmaker() as session:
        user = await session.get(User, user_id)
    assert user is not None
    return user


async def reminders(sessionmaker: Sessions, user_id: int) -> dict[str, Reminder]:
    """The user's reminder rows by kind."""
    async with sessionmaker() as session:
        rows = await session.scalars(select(Reminder).where(Reminder.user_id == user_id))
        return {r.kind: r for r in rows}


async def schedule(
    sessionmaker: Sessions, user_id: int
) -> dict[str, tuple[bool, time | None, datetime | None]]:
    """Each reminder's (enabled, local time, next fire time), by kind."""
    rows = await reminders(sessionmaker, user_id)
    return {kind: (r.enabled, r.local_time, r.next_fire_at) for kind, r in rows.items()}


async def next_fire(sessionmaker: Sessions, user_id: int, kind: str) -> datetime | None:
    """When the user's reminder of this kind fires next (None: it does not)."""
    async with sessionmaker() as session:
        return await session.scalar(
            select(Reminder.next_fire_at).where(Reminder.user_id == user_id, Reminder.kind == kind)
        )


async def checkins(sessionmaker: Sessions, user_id: int) -> list[tuple[str, date, str, str | None]]:
    """The user's check-ins as (habit, day, status, detail), by day and habit."""
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(CheckIn).where(CheckIn.user_id == user_id).order_by(CheckIn.day, CheckIn.habit)
        )
        return [(r.habit, r.day, r.status, r.detail) for r in rows]


async def symptom_scores(sessionmaker: Sessions, user_id: int) -> dict[tuple[int, str], int]:
    """The user's symptom scores by (week, symptom); week 0 is the intake's baseline."""
    async with sessionmaker() as session:
        rows = await session.scalars(select(SymptomScore).where(SymptomScore.user_id == user_id))
        return {(r.week, r.symptom): r.score for r in rows}


async def deliveries(sessionmaker: Sessions, user_id: int) -> list[Delivery]:
    """The user's deliveries, oldest first."""
    async with sessionmaker() as session:
        rows = await session.scalars(
            select(Delivery).where(Delivery.user_id == user_id).order_by(Delivery.id)
        )
        return list(rows)


async def user_rows(sessionmaker: Sessions, user_id: int, inbox: bool = True) -> dict[str, int]:
    """Rows about the user in every table of the schema (inbox=False: but the update inbox,
    which grows with every update they send)."""
    counts = {}
    async with sessionmaker() as session:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_ABOUT_USERS or (table.name == "updates" and not inbox):
                continue
            key = next(k for k in ("user_id", "chat_key", "id") if k in table.c)
            column = table.c[key]
            counts[table.name] = await session.scalar(
                select(func.count()).select_from(table).where(column == user_id)
            )
    return counts
