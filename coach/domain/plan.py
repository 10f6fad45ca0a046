"""The 12-week plan: phases and weekly targets per habit, adjusted by the safety answers.

The numbers come from messages/plan.toml (data, not code); the words from the catalogs.
"""

from __future__ import annotations

import tomllib
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from coach.domain.habits import Safety


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

    def targets(self, week: int, safety: Collection[Safety]) -> WeekTargets:
        """This week's target for every habit, adjusted for the user's safety answers."""
        index = min(max(week, 1), self.weeks) - 1
        slow = Safety.IBS in safety
        return WeekTargets(
            week=index + 1,
            phase=self.phase(index + 1),
            fermented_servings=self.fermented_servings[index],
            small_servings=Safety.HISTAMINE in safety,
            no_natto=Safety.BLOOD_THINNER in safety,
            fiber_grams=(self.fiber_grams_slow if slow else self.fiber_grams)[index],
            slow_fiber=slow,
            b12_days=self.b12_days,
            ask_before_supplements=Safety.PREGNANT_OR_MINOR in safety,
            weeks=self.weeks,
        )


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
