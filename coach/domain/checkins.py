"""What a check-in can say beyond done or skipped, and which answers call for a gentler plan."""

from __future__ import annotations

import unicodedata
from enum import StrEnum

from coach.domain.habits import Habit

NOTE_LIMIT = 200  # characters: a short note, readable in a glance
BACKFILL_DAYS = 3  # a day can be logged up to three days late


class CheckInStatus(StrEnum):
    """What a check-in row says of its day (check_ins.status); no row: nothing logged."""

    DONE = "done"
    SKIPPED = "skipped"


class Food(StrEnum):
    """Which fermented food (any of them counts: sauerkraut instead of kimchi is still done)."""

    KIMCHI = "kimchi"
    KEFIR = "kefir"
    SAUERKRAUT = "sauerkraut"
    YOGURT = "yogurt"
    MISO = "miso"
    NATTO = "natto"
    OTHER = "other"


class Amount(StrEnum):
    """How much fiber against the day's target."""

    LESS = "less"
    TARGET = "target"
    MORE = "more"
    TOO_MUCH = "too_much"


# "Too much" is the one follow-up answer that changes the plan: the habit's next week holds
# or steps back (see coach.domain.plan.ramp_levels). Fermented foods offer it too.
TOO_MUCH = "too_much"
FOLLOW_UPS: dict[Habit, tuple[str, ...]] = {
    Habit.FERMENTED: (*Food, TOO_MUCH),
    Habit.FIBER: tuple(Amount),
    Habit.B12: (),
}
# A weekly digestion-comfort score at or below this (1-5, 5 = comfortable) is discomfort of
# 4 or 5 out of 5: the fiber and fermented targets hold the next week.
DISCOMFORT_AT_MOST = 2


def clean_note(text: str) -> str:
    """A note as stored: control characters and lone surrogates dropped (PostgreSQL refuses
    NUL, and they show as nothing anyway), runs of whitespace made one space."""
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in text
        if ch.isspace() or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return " ".join(kept.split())


def foods_for(no_natto: bool) -> tuple[Food, ...]:
    """The fermented foods to offer: never natto to someone on blood thinners."""
    return tuple(f for f in Food if not (no_natto and f is Food.NATTO))
