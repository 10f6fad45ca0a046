"""The 12-week plan: phases and weekly targets per habit, adjusted by the safety answers.

The numbers come from messages/plan.toml (data, not code); the words from the catalogs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coach.domain.habits import Habit, Safety

# A habit's tolerance signals: plan week -> how its next week's target moves instead of
# rising (HOLD stays, BACK steps down one week's worth).
HOLD, BACK = 0, -1
Signals = Mapping[Habit, Mapping[int, int]]


@dataclass(frozen=True)
class WeekTargets:
    week: int
    phase: str
    fermented_servings: int  # per week
    small_servings: bool  # histamine intolerance: start with small servings
    no_natto: bool  # blood thinners: natto's vitamin K2 can interfere
    fiber_grams: int  # per day
    slow_fiber: bool  # IBS/FODMAP: slower ramp, resistant starch first
    b12_days: int  # per week; never a dose
    ask_before_supplements: bool  # pregnant, breastfeeding or under 18
    weeks: int  # length of the plan
    # How this week's target compares with last week's when the tolerance rule stepped in:
    # "held" or "back"; "" when it followed the plan.
    fermented_change: str = ""
    fiber_change: str = ""
    maintenance: bool = False  # after the plan: the final targets, no ramp


@dataclass(frozen=True)
class Plan:
    weeks: int
    phases: dict[str, tuple[int, int]]
    fermented_servings: tuple[int, ...]
    fiber_grams: tuple[int, ...]
    fiber_grams_slow: tuple[int, ...]
    b12_days: int

    def phase(self, week: int) -> str:
        """The phase name for a week of the plan (1-based)."""
        for name, (first, last) in self.phases.items():
            if first <= week <= last:
                return name
        raise ValueError(f"week {week} is outside the plan")

    def targets(
        self,
        week: int,
        safety: Collection[Safety],
        signals: Signals | None = None,
        maintenance: bool = False,
    ) -> WeekTargets:
        """This week's target for every habit, adjusted for the user's safety answers and,
        by the tolerance rule, for what they reported in earlier weeks."""
        week = self.weeks if maintenance else min(max(week, 1), self.weeks)
        slow = Safety.IBS in safety
        fiber_series = self.fiber_grams_slow if slow else self.fiber_grams
        signals = signals or {}
        fermented = ramp_levels(self.weeks, signals.get(Habit.FERMENTED, {}))
        fiber = ramp_levels(self.weeks, signals.get(Habit.FIBER, {}))
        return WeekTargets(
            week=week,
            phase=self.phase(week),
            fermented_servings=self.fermented_servings[fermented[week - 1] - 1],
            small_servings=Safety.HISTAMINE in safety,
            no_natto=Safety.BLOOD_THINNER in safety,
            fiber_grams=fiber_series[fiber[week - 1] - 1],
            slow_fiber=slow,
            b12_days=self.b12_days,
            ask_before_supplements=Safety.PREGNANT_OR_MINOR in safety,
            weeks=self.weeks,
            fermented_change=""
            if maintenance
            else _change(self.fermented_servings, fermented, week),
            fiber_change="" if maintenance else _change(fiber_series, fiber, week),
            maintenance=maintenance,
        )


def ramp_levels(weeks: int, signals: Mapping[int, int]) -> tuple[int, ...]:
    """Each week's step on the ramp (1-based), week 1 first.

    The ramp rises one step a week. A tolerance signal in week w (too much, or digestion
    discomfort) makes week w+1 hold at week w's step (HOLD) or go one step down (BACK), never
    below the first; the rise resumes from there, so the plan stretches rather than jumps.
    """
    levels = [1]
    for week in range(1, weeks):
        step = signals.get(week)
        rise = 1 if step is None else step
        levels.append(max(1, min(weeks, levels[-1] + rise)))
    return tuple(levels)


def _change(series: tuple[int, ...], levels: tuple[int, ...], week: int) -> str:
    """ "held" or "back" when the tolerance rule left this week's amount below the plan's
    (judged on the amounts the user sees, which the plan repeats in pairs); else ""."""
    if week < 2:
        return ""
    amount = series[levels[week - 1] - 1]
    if amount >= series[week - 1]:
        return ""
    return "back" if amount < series[levels[week - 2] - 1] else "held"


def week_of_plan(started_on: date, today: date) -> int:
    """1-based week number of the plan on a local date (week 1 starts on the start date)."""
    return (today - started_on).days // 7 + 1


def parse_plan(data: dict) -> Plan:  # type: ignore[type-arg]
    """A Plan from the parsed plan.toml, checked for consistency."""
    weeks = int(data["weeks"])
    plan = Plan(
        weeks=weeks,
        phases={name: (int(a), int(b)) for name, (a, b) in data["phases"].items()},
        fermented_servings=tuple(data["fermented"]["servings_per_week"]),
        fiber_grams=tuple(data["fiber"]["grams_per_day"]),
        fiber_grams_slow=tuple(data["fiber"]["grams_per_day_slow"]),
        b12_days=int(data["b12"]["days_per_week"]),
    )
    for series in (plan.fermented_servings, plan.fiber_grams, plan.fiber_grams_slow):
        if len(series) != weeks:
            raise ValueError(f"plan series has {len(series)} weeks, expected {weeks}")
    covered = sorted(w for a, b in plan.phases.values() for w in range(a, b + 1))
    if covered != list(range(1, weeks + 1)):
        raise ValueError("plan phases must cover every week exactly once")
    return plan


def load_plan(path: Path) -> Plan:
    """Read and check messages/plan.toml."""
    with path.open("rb") as handle:
        return parse_plan(tomllib.load(handle))


def tolerance_signals(
    started_on: date,
    too_much: Iterable[tuple[Habit, date]],
    discomfort_weeks: Iterable[int],
) -> dict[Habit, dict[int, int]]:
    """The tolerance rule's input, by plan week: "too much" on a habit steps its next week
    back; a weekly digestion rating of discomfort holds both food habits' next week."""
    signals: dict[Habit, dict[int, int]] = {Habit.FERMENTED: {}, Habit.FIBER: {}}
    for habit, day in too_much:
        week = week_of_plan(started_on, day)
        if habit in signals and week >= 1:
            signals[habit][week] = BACK
    for week in discomfort_weeks:
        for by_week in signals.values():
            by_week[week] = min(by_week.get(week, HOLD), HOLD)
    return signals
