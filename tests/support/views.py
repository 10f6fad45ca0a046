"""Progress views built by hand for the chart and PDF tests: a realistic plan and edge cases."""

from __future__ import annotations

import random
from datetime import date, timedelta

from coach.domain.habits import HABITS, SYMPTOMS, Habit, Symptom
from coach.domain.scoring import DAYS_PER_WEEK, Day, score_habit
from coach.services.progress import HabitProgress, ProgressView

WEEKS = 12
START = date(2026, 3, 4)  # a Wednesday, so plan weeks do not start on Monday
TARGETS: dict[Habit, tuple[int, ...]] = {
    Habit.FERMENTED: (2, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5, 5),
    Habit.FIBER: (7,) * WEEKS,
    Habit.B12: (7,) * WEEKS,
}


def make_view(
    *,
    seed: int = 7,
    day: int = WEEKS * DAYS_PER_WEEK,
    done: float = 0.75,
    skipped: float = 0.05,
    habits: tuple[Habit, ...] = HABITS,
    baseline: bool = True,
    rated_weeks: int | None = None,
    language: str = "en",
    switched_on: int = 0,
) -> ProgressView:
    """A plan on its `day`-th day (1-based; past the last day means the plan is over), each
    past day done or skipped with the given odds and missed otherwise, and weekly symptom
    ratings that drift upwards for `rated_weeks` weeks (every week gone by when None). The
    first habit's days before day index `switched_on` are off (it was switched on then)."""
    rng = random.Random(seed)
    days_total = WEEKS * DAYS_PER_WEEK
    over = day > days_total
    today = START + timedelta(days=day - 1)
    progress = []
    for position, habit in enumerate(habits):
        states: list[Day] = []
        for index in range(days_total):
            if position == 0 and index < min(switched_on, day - 1):
                states.append(Day.OFF)
            elif index > day - 1:
                states.append(Day.AHEAD)
            elif index == day - 1:
                states.append(Day.DONE if rng.random() < done / 2 else Day.OPEN)
            else:
                roll = rng.random()
                if roll < done:
                    states.append(Day.DONE)
                elif roll < done + skipped:
                    states.append(Day.SKIPPED)
                else:
                    states.append(Day.MISSED)
        targets = TARGETS[habit]
        progress.append(HabitProgress(habit, tuple(states), targets, score_habit(states, targets)))
    week = min((day - 1) // DAYS_PER_WEEK + 1, WEEKS)
    ratings: list[tuple[int, tuple[tuple[Symptom, int], ...]]] = []
    level = {symptom: rng.randint(1, 3) for symptom in SYMPTOMS}
    if baseline:
        ratings.append((0, tuple(level.items())))
    gone_by = week if over else week - 1
    for rated in range(1, (gone_by if rated_weeks is None else rated_weeks) + 1):
        for symptom in SYMPTOMS:
            level[symptom] = max(1, min(5, level[symptom] + rng.choice((-1, 0, 1, 1))))
        ratings.append((rated, tuple(level.items())))
    phase = "start" if week <= 2 else "build" if week <= 8 else "sustain"
    return ProgressView(
        user_id=1,
        language=language,
        week=week,
        weeks=WEEKS,
        phase=phase,
        started_on=START,
        today=today,
        over=over,
        habits=tuple(progress),
        symptoms=tuple(ratings),
    )


def realistic_view() -> ProgressView:
    """Week 9 of 12: mostly done, some skips and misses, eight weekly check-ins."""
    return make_view(day=8 * DAYS_PER_WEEK + 4)


def first_day_view() -> ProgressView:
    """Week 1, day 1: nothing logged, no weekly ratings, only the baseline."""
    return make_view(day=1, done=0)


def over_view() -> ProgressView:
    """The plan is over: every day is past."""
    return make_view(day=WEEKS * DAYS_PER_WEEK + 3)
