"""How the user is doing: the plan so far, day by day, with scores per habit and symptom."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from coach.db.models import User
from coach.db.repositories import CheckInRepository, ReminderRepository, ScoreRepository
from coach.domain.habits import SYMPTOMS, Habit, Symptom
from coach.domain.plan import Signals, WeekTargets, week_of_plan
from coach.domain.reminders import coached
from coach.domain.scoring import DAYS_PER_WEEK, Day, HabitScore, day_states, score_habit
from coach.services.refusals import Refusal, Why, refused
from coach.services.targets import TargetBook


@dataclass(frozen=True)
class HabitProgress:
    habit: Habit
    days: tuple[Day, ...]  # one per plan day, the plan's first day first (weeks * 7)
    targets: tuple[int, ...]  # days (or servings) the plan asks for, per plan week
    score: HabitScore


@dataclass(frozen=True)
class ProgressView:
    user_id: int
    language: str
    week: int  # the plan week of today, 1..weeks (weeks once the plan is over)
    weeks: int  # the plan's length
    phase: str
    started_on: date
    today: date
    over: bool  # every plan week has passed
    habits: tuple[HabitProgress, ...]  # the habits the user coaches, in plan order
    # Each rated week's scores, week 0 (the baseline) first: (week, ((symptom, score), ...)).
    symptoms: tuple[tuple[int, tuple[tuple[Symptom, int], ...]], ...]

    def baseline(self) -> dict[Symptom, int]:
        return dict(next((scores for week, scores in self.symptoms if week == 0), ()))

    def latest(self) -> dict[Symptom, int]:
        """Each symptom's most recent weekly score (the baseline is not a week)."""
        latest: dict[Symptom, int] = {}
        for week, scores in self.symptoms:
            if week > 0:
                latest.update(scores)
        return latest


async def load_progress(
    session: AsyncSession, book: TargetBook, user: User, today: date
) -> ProgressView:
    """The user's progress as of their local day `today` (the user must be enrolled)."""
    [view] = await load_progresses(session, book, [(user, today)])
    return view


async def load_progresses(
    session: AsyncSession, book: TargetBook, wanted: Sequence[tuple[User, date]]
) -> list[ProgressView]:
    """Progress for each (enrolled user, their local day), in four queries however many
    users: a Sunday's digests come due together."""
    if not wanted:
        return []
    ids = {user.id for user, _ in wanted}
    # The habits coached, and since when (None: since the plan began).
    since = await ReminderRepository(session).coached_since(ids)
    # The plan days of every user in the batch (each view looks up its own days only).
    starts = [user.plan_started_on for user, _ in wanted if user.plan_started_on is not None]
    first, last = min(starts), max(starts) + timedelta(weeks=book.plan.weeks, days=-1)
    logged: dict[int, dict[str, dict[date, str]]] = {}
    for user_id, habit, day, status in await CheckInRepository(session).statuses_between(
        ids, first, last
    ):
        logged.setdefault(user_id, {}).setdefault(habit, {})[day] = status
    signals = await book.signals(session, [user for user, _ in wanted])
    ratings = await ScoreRepository(session).by_week(ids)
    return [
        _progress(
            book,
            user,
            today,
            since.get(user.id, {}),
            logged.get(user.id, {}),
            signals.get(user.id),
            ratings.get(user.id, {}),
        )
        for user, today in wanted
    ]


def _progress(
    book: TargetBook,
    user: User,
    today: date,
    since: Mapping[str, date | None],
    logged: Mapping[str, Mapping[date, str]],
    signals: Signals | None,
    by_week: Mapping[int, Mapping[Symptom, int]],
) -> ProgressView:
    """One user's view from their rows: `since` holds the habits they coach."""
    assert user.plan_started_on is not None
    plan = book.plan
    started = user.plan_started_on
    last_day = started + timedelta(weeks=plan.weeks, days=-1)
    weekly = [plan.targets(week, user.safety, signals) for week in range(1, plan.weeks + 1)]
    days = plan.weeks * DAYS_PER_WEEK
    week = min(max(week_of_plan(started, today), 1), plan.weeks)
    habits = []
    for habit in coached(since):
        states = day_states(started, days, today, logged.get(habit, {}), since[habit])
        targets = tuple(_days_asked(habit, week) for week in weekly)
        score = score_habit(states, targets, current=week - 1)
        habits.append(HabitProgress(habit, states, targets, score))
    return ProgressView(
        user_id=user.id,
        language=user.language,
        week=week,
        weeks=plan.weeks,
        phase=plan.phase(week),
        started_on=started,
        today=today,
        over=today > last_day,
        habits=tuple(habits),
        symptoms=tuple(
            (w, tuple((s, by_week[w][s]) for s in SYMPTOMS if s in by_week[w]))
            for w in sorted(by_week)
        ),
    )


def _days_asked(habit: Habit, targets: WeekTargets) -> int:
    """How many days of a plan week the habit is asked for: servings of fermented foods,
    B12's days, and fiber every day."""
    if habit is Habit.FERMENTED:
        return targets.fermented_servings
    if habit is Habit.B12:
        return targets.b12_days
    return DAYS_PER_WEEK


class ProgressService:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], book: TargetBook) -> None:
        self._sessionmaker = sessionmaker
        self._book = book

    async def progress(self, user_id: int, now: datetime) -> ProgressView | Refusal:
        """/progress: refused until the intake is done and the plan has begun."""
        async with self._sessionmaker() as session:
            user = await session.get(User, user_id)
            if user is None or not user.enrolled:
                return refused(Why.NO_PROGRESS, user)
            return await load_progress(session, self._book, user, user.today(now))
