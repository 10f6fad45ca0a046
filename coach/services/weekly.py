"""The weekly symptom check-in: five ratings by tapping, compared with the baseline, and
the tolerance rule when digestion was uncomfortable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import User
from coach.db.repositories import ReminderRepository, ScoreRepository, UserRepository
from coach.domain.checkins import DISCOMFORT_AT_MOST
from coach.domain.habits import SYMPTOMS, Habit, Symptom
from coach.domain.plan import WeekTargets
from coach.domain.symptoms import BASELINE_WEEK, sharp_drop
from coach.services.refusals import Refusal, Why, refused
from coach.services.targets import TargetBook

# The habits on a ramp, which the tolerance rule holds (B12 has none).
RAMPED = (Habit.FERMENTED, Habit.FIBER)


@dataclass(frozen=True)
class WeeklyView:
    language: str
    week: int
    weeks: int
    scores: tuple[tuple[Symptom, int], ...]  # this week's, in symptom order
    baseline: tuple[tuple[Symptom, int], ...]
    # After a digestion rating of discomfort: next week's targets (held), else None, and
    # the held habits the user coaches (fermented foods, fiber; B12 has no ramp).
    held_next: WeekTargets | None = None
    held: tuple[Habit, ...] = ()
    # How many weeks in a row, this one included, digestion was uncomfortable (0 if not
    # held): from two on, the screen says plainly that the plan waits, and who can help.
    held_weeks: int = 0

    def __post_init__(self) -> None:
        assert (self.held_next is None) == (not self.held), "held targets name their habits"

    @property
    def pending(self) -> Symptom | None:
        """The next symptom to rate, or None when the week is rated in full."""
        rated = dict(self.scores)
        return next((s for s in SYMPTOMS if s not in rated), None)

    @property
    def sharp_drop(self) -> bool:
        return sharp_drop(dict(self.baseline), dict(self.scores))


class WeeklyCheckInService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], book: TargetBook) -> None:
        self._sessionmaker = sessionmaker
        self._book = book

    async def open(self, user_id: int, now: datetime) -> WeeklyView | Refusal:
        """/checkin: this week's check-in, as far as it is answered. Refused before the plan,
        and after it until the user chooses what next (NOT_SET_UP and STALE: the bot shows
        /plan, which says which)."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None or not user.enrolled:
                return refused(Why.NOT_SET_UP, user)
            week = self._current_week(user, now)
            if not user.maintenance:
                week = min(week, self._book.plan.weeks)
                if self._current_week(user, now) > week + 1:
                    # The plan is over and its last week can't be rated now.
                    return refused(Why.STALE, user)
            return await self._view(session, user, week)

    async def rate(
        self, user_id: int, week: int, symptom: Symptom, score: int, now: datetime
    ) -> WeeklyView | Refusal:
        """One rating for this week (or last week, answered late). Changing one is fine:
        the last answer wins. Refused: a week out of reach, or not this user's plan."""
        async with self._sessionmaker.begin() as session:
            user = await UserRepository(session).locked(user_id)
            if user is None or not user.enrolled or not 1 <= score <= 5:
                return refused(Why.STALE, user)
            if not self._in_reach(user, week, now):
                return refused(Why.STALE, user)
            await ScoreRepository(session).save(user_id, week, symptom, score, now)
            return await self._view(session, user, week)

    async def look(self, user_id: int, week: int, now: datetime) -> WeeklyView | Refusal:
        """A week's check-in as it stands, to change an answer: refused (stale) as a rating
        for that week would be."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None or not user.enrolled or not self._in_reach(user, week, now):
                return refused(Why.STALE, user)
            return await self._view(session, user, week)

    def _in_reach(self, user: User, week: int, now: datetime) -> bool:
        """This week, or last week answered late, within the plan (or maintenance)."""
        current = self._current_week(user, now)
        in_plan = 1 <= week <= self._book.plan.weeks or user.maintenance
        return week in (current, current - 1) and in_plan and week >= 1

    def _current_week(self, user: User, now: datetime) -> int:
        return self._book.week(user, user.today(now))

    async def _view(self, session: AsyncSession, user: User, week: int) -> WeeklyView:
        await session.flush()
        by_week = (await ScoreRepository(session).by_week([user.id])).get(user.id, {})
        scores = by_week.get(week, {})
        next_targets, held = None, ()
        if _uncomfortable(scores):
            assert user.plan_started_on is not None
            next_week_day = user.plan_started_on + timedelta(weeks=week)
            targets = await self._book.targets_for(session, user, next_week_day)
            habits = await ReminderRepository(session).coached_habits(user.id)
            ramped = tuple(h for h in habits if h in RAMPED)
            if not targets.maintenance and targets.week == week + 1 and ramped:
                next_targets, held = targets, ramped
        held_weeks = 0
        if held:
            while week - held_weeks >= 1 and _uncomfortable(by_week.get(week - held_weeks, {})):
                held_weeks += 1
        return WeeklyView(
            language=user.language,
            week=week,
            weeks=self._book.plan.weeks,
            scores=tuple((s, scores[s]) for s in SYMPTOMS if s in scores),
            baseline=tuple(
                (s, by_week[BASELINE_WEEK][s])
                for s in SYMPTOMS
                if s in by_week.get(BASELINE_WEEK, {})
            ),
            held_next=next_targets,
            held=held,
            held_weeks=held_weeks,
        )


def _uncomfortable(scores: dict[Symptom, int]) -> bool:
    """A week whose digestion rating was one of discomfort (unrated: not)."""
    digestion = scores.get(Symptom.DIGESTION)
    return digestion is not None and digestion <= DISCOMFORT_AT_MOST
