"""Symptom ratings over the weeks: where the user started, where they are, which way."""

from __future__ import annotations

from collections.abc import Mapping

from coach.domain.habits import Symptom

BASELINE_WEEK = 0
SHARP_DROP = 2  # points below the baseline that call for the red-flag note


def direction(before: int, after: int) -> str:
    """ "up" (better), "down" (worse) or "same": 5 is always the good end of the scale."""
    if after > before:
        return "up"
    return "down" if after < before else "same"


def sharp_drop(baseline: Mapping[Symptom, int], scores: Mapping[Symptom, int]) -> bool:
    """Any symptom SHARP_DROP or more points worse than at the start."""
    return any(baseline[s] - score >= SHARP_DROP for s, score in scores.items() if s in baseline)
