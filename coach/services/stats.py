"""/stats for the bot's admins: how many people use it and how today's reminders went."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import Delivery, User
from coach.domain.intake import Step
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
            users = await session.scalar(select(func.count()).select_from(User))
            active = await session.scalar(
                select(func.count())
                .select_from(User)
                .where(
                    User.active,
                    User.intake_step == Step.DONE,
                    User.plan_started_on.is_not(None),
                    # a pause that has run out is over, whatever the flag still says
                    or_(~User.paused, User.paused_until <= now),
                )
            )
            completed = await session.scalar(
                select(func.count()).select_from(User).where(User.plan_completed_on.is_not(None))
            )
            outcomes = dict(
                (
                    await session.execute(
                        select(Delivery.status, func.count())
                        .where(
                            Delivery.updated_at >= midnight,
                            Delivery.status.in_(COUNTED),
                        )
                        .group_by(Delivery.status)
                    )
                ).all()
            )
        return StatsView(
            users=users or 0,
            active=active or 0,
            completed=completed or 0,
            # a snoozed reminder was sent first
            sent_today=outcomes.get(Status.SENT, 0) + outcomes.get(Status.SNOOZED, 0),
            failed_today=outcomes.get(Status.FAILED, 0) + outcomes.get(Status.BLOCKED, 0),
        )
