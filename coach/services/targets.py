"""Each user's targets for a day: the plan, their safety answers and the tolerance rule."""

from __future__ import annotations

import functools
from collections.abc import Collection
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from coach.db.models import User
from coach.db.repositories import tolerance_inputs
from coach.domain.habits import Habit
from coach.domain.plan import Plan, Signals, WeekTargets, tolerance_signals, week_of_plan


class TargetBook:
    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # Without tolerance signals, targets depend on a handful of values: a broadcast to
        # thousands of users computes each combination once.
        self._plain = functools.lru_cache(maxsize=1024)(plan.targets)

    async def signals(self, session: AsyncSession, users: Collection[User]) -> dict[int, Signals]:
        """Every user's tolerance signals, in one query for the whole batch."""
        started = {u.id: u.plan_started_on for u in users if u.plan_started_on is not None}
        if not started:
            return {}
        too_much: dict[int, list[tuple[Habit, date]]] = {}
        discomfort: dict[int, list[int]] = {}
        for user_id, habit, day, week in await tolerance_inputs(session, started):
            if week is None:
                too_much.setdefault(user_id, []).append((Habit(habit), day))  # type: ignore[arg-type]
            else:
                discomfort.setdefault(user_id, []).append(week)
        return {
            user_id: tolerance_signals(
                start, too_much.get(user_id, ()), discomfort.get(user_id, ())
            )
            for user_id, start in started.items()
            if user_id in too_much or user_id in discomfort
        }

    def week(self, user: User, day: date) -> int:
        """The plan week a local day falls in (1-based; past the end while in maintenance)."""
        return week_of_plan(user.plan_started_on or day, day)

    def targets(self, user: User, day: date, signals: Signals | None) -> WeekTargets:
        """The user's targets on a local day."""
        week = self.week(user, day)
        maintenance = user.maintenance and week > self.plan.weeks
        if signals:  # the tolerance rule stepped in: this user's own ramp
            return self.plan.targets(week, user.safety, signals, maintenance)
        return self._plain(week, user.safety, None, maintenance)

    async def targets_for(self, session: AsyncSession, user: User, day: date) -> WeekTargets:
        """One user's targets on a day, signals read here."""
        signals = (await self.signals(session, [user])).get(user.id)
        return self.targets(user, day, signals)
