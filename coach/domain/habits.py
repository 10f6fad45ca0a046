"""The three habits, the safety screen, the tracked symptoms: names the whole bot shares."""

from __future__ import annotations

from datetime import time
from enum import StrEnum


class Habit(StrEnum):
    FERMENTED = "fermented"
    FIBER = "fiber"
    B12 = "b12"


class Safety(StrEnum):
    """Answers on the safety screen; each one adjusts the plan."""

    BLOOD_THINNER = "blood_thinner"
    HISTAMINE = "histamine"
    IBS = "ibs"
    PREGNANT_OR_MINOR = "pregnant_or_minor"


class Symptom(StrEnum):
    """Rated 1 (worst) to 5 (best) at baseline and every week."""

    ENERGY = "energy"
    CLARITY = "clarity"
    DIGESTION = "digestion"
    MOOD = "mood"
    NAILS = "nails"


HABITS: tuple[Habit, ...] = tuple(Habit)
SYMPTOMS: tuple[Symptom, ...] = tuple(Symptom)
SAFETY_ORDER: tuple[Safety, ...] = tuple(Safety)
SCORES = range(1, 6)

# Reminder presets per habit, suited to it (B12 on waking or with breakfast, fermented foods
# with a main meal, fiber with breakfast or dinner). The first is the default.
PRESET_TIMES: dict[Habit, tuple[time, ...]] = {
    Habit.FERMENTED: (time(12, 30), time(19, 0)),
    Habit.FIBER: (time(8, 0), time(19, 0)),
    Habit.B12: (time(7, 0), time(8, 0)),
}


def afternoon_habit(habit: Habit) -> bool:
    """Every preset after noon (lunch or dinner): a bare "7" typed for it may mean 19:00."""
    return all(at.hour >= 12 for at in PRESET_TIMES[habit])
