"""What the bot waits for the user to type, and how `users.awaiting` spells it.

At most one question is open at a time: the intake's or /settings' time zone, a habit's
reminder time, or a note for a logged day. The column holds one of three spellings,
written and read only here:

    "timezone"                   AwaitTimezone()
    "time:<habit>"               AwaitTime(habit)
    "note:<habit>:<yyyymmdd>"    AwaitNote(habit, day)

Anything else (a value from a later version, a hand-edited row) reads as no question open.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from coach.domain.habits import Habit

_TIMEZONE = "timezone"
_TIME = "time:"
_NOTE = "note:"


@dataclass(frozen=True)
class AwaitTimezone:
    """The time zone: a city, an offset, or a shared location."""


@dataclass(frozen=True)
class AwaitTime:
    """A habit's reminder time, typed."""

    habit: Habit


@dataclass(frozen=True)
class AwaitNote:
    """A note for a habit's logged day."""

    habit: Habit
    day: date


Awaiting = AwaitTimezone | AwaitTime | AwaitNote


def encode(awaiting: Awaiting | None) -> str | None:
    """The column's value for this question (None: none open)."""
    match awaiting:
        case None:
            return None
        case AwaitTimezone():
            return _TIMEZONE
        case AwaitTime(habit):
            return f"{_TIME}{habit.value}"
        case AwaitNote(habit, day):
            return f"{_NOTE}{habit.value}:{day.year:04d}{day.month:02d}{day.day:02d}"


def decode(text: str | None) -> Awaiting | None:
    """The question the column's value names, or None (none, or not one we know)."""
    if text == _TIMEZONE:
        return AwaitTimezone()
    if text is None:
        return None
    try:
        if text.startswith(_TIME):
            return AwaitTime(Habit(text.removeprefix(_TIME)))
        if text.startswith(_NOTE):
            habit, _, day = text.removeprefix(_NOTE).partition(":")
            if len(day) != 8 or not day.isascii() or not day.isdigit():
                return None
            return AwaitNote(Habit(habit), date(int(day[:4]), int(day[4:6]), int(day[6:])))
    except ValueError:
        return None
    return None
