"""/stats for the bot's admins: how many people use it and how today's reminders went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.repositories import DeliveryRepository, UserRepository
from coach.domain.reminders import Status


@dataclass(frozen=True)
class StatsView:
    users: int  # everyone who has talked to the bot
    active: int  # enrolled, not blocked and not paused
    completed: int  # plans that reached their final report
    sent_today: int  # reminders sent since midnight UTC
    failed_today: int  # reminders that failed (or were blocked) since midnight UTC


COUNTED = (Status.SENT, Status.SNOOZED, Status.FAILED, Status.BLOCKED)


class StatsService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
        self._sessionmaker = sessionmaker

    async def stats(self, now: datetime) -> StatsView:
        midnight = datetime.combine(now.astimezone(UTC).date(), time(0), UTC)
        async with self._sessionmaker() as session:
            users = UserRepository(session)
            everyone = await users.count()
            active = await users.count_coached(now)
            completed = await users.count_completed()
            outcomes = await DeliveryRepository(session).counts_since(midnight, COUNTED)
        return StatsView(
            users=everyone,
            active=active,
            completed=completed,
            # a snoozed reminder was sent first
            sent_today=outcomes.get(Status.SENT, 0) + outcomes.get(Status.SNOOZED, 0),
            failed_today=outcomes.get(Status.FAILED, 0) + outcomes.get(Status.BLOCKED, 0),
        )
