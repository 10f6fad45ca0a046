"""The intake's steps and how a user moves through them (see intake.mmd beside this file)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import time
from enum import StrEnum

from coach.domain.habits import HABITS, SYMPTOMS, Habit, Symptom


class Step(StrEnum):
    LANGUAGE = "language"
    CONSENT = "consent"
    TIMEZONE = "timezone"
    SAFETY = "safety"
    HABITS = "habits"
    TIMES = "times"
    BASELINE = "baseline"
    DONE = "done"
    DECLINED = "declined"  # said "Not now" to the disclaimer


ORDER: tuple[Step, ...] = (
    Step.LANGUAGE,
    Step.CONSENT,
    Step.TIMEZONE,
    Step.SAFETY,
    Step.HABITS,
    Step.TIMES,
    Step.BASELINE,
    Step.DONE,
)


def habit_awaiting_time(chosen: Iterable[Habit], times: Mapping[Habit, time]) -> Habit | None:
    """The first chosen habit, in plan order, that has no reminder time yet."""
    chosen_set = set(chosen)
    return next((h for h in HABITS if h in chosen_set and h not in times), None)


def symptom_awaiting_score(scores: Mapping[Symptom, int]) -> Symptom | None:
    """The first symptom without a baseline score yet."""
    return next((s for s in SYMPTOMS if s not in scores), None)
