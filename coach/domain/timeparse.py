"""Forgiving parsing of a clock time typed by a user ("8:15 pm", "20.15", "half past 7",
"오후 8시 15분", "저녁 7시 반")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import time

# Longer than any sensible way to type a clock time; keeps regex work trivially bounded.
MAX_LENGTH = 32

# Words that name a time outright; cheap to accept and people do type them.
_NAMED = {
    "noon": time(12),
    "midday": time(12),
    "midnight": time(0),
    "정오": time(12),
    "자정": time(0),
}


def _am(lowest: int) -> Callable[[int], int | None]:
    """Before noon on a 12-hour clock: 12 is the hour after midnight."""
    return lambda hour: hour % 12 if lowest <= hour <= 12 else None


def _pm(hour: int) -> int | None:
    return hour % 12 + 12 if 1 <= hour <= 12 else None


def _hours(table: dict[int, int]) -> Callable[[int], int | None]:
    """A part of the day that spans noon or midnight: each hour it goes with, as on a
    24-hour clock."""
    return table.get


# A word for the part of the day, and how it reads the hour after it (None: that hour does
# not go with the word, "저녁 3시"). The Korean words are how people say times aloud: 아침
# (morning), 새벽 (before dawn), 낮 and 점심 (midday), 저녁 (evening), 밤 (night, which
# runs past midnight: 밤 12시 is midnight, 밤 1시 the hour after).
_PERIODS: dict[str, Callable[[int], int | None]] = {
    "am": _am(1),
    "pm": _pm,
    "오전": _am(0),  # Korean clocks commonly say 오전 0시 for the hour after midnight
    "오후": _pm,
    "새벽": _hours({0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 6: 6, 12: 0}),
    "아침": _hours({h: h for h in range(4, 12)}),
    "낮": _hours({10: 10, 11: 11, 12: 12, **{h: h + 12 for h in range(1, 7)}}),
    "점심": _hours({11: 11, 12: 12, 1: 13, 2: 14}),
    "저녁": _hours({h: h + 12 for h in range(4, 12)}),
    "밤": _hours({12: 0, **{h: h for h in range(1, 5)}, **{h: h + 12 for h in range(6, 12)}}),
    "in the morning": _am(1),
    "in the afternoon": _hours({12: 12, **{h: h + 12 for h in range(1, 7)}}),
    "in the evening": _hours({h: h + 12 for h in range(4, 12)}),
    "at night": _hours({12: 0, **{h: h + 12 for h in range(6, 12)}}),
}
_KOREAN_PERIODS = "오전|오후|새벽|아침|낮|점심|저녁|밤"
_AM_PM = r"a\.?\s?m\.?|p\.?\s?m\.?"
_BEFORE = re.compile(rf"^(?P<m>{_AM_PM}|{_KOREAN_PERIODS})\s*(?P<rest>.+)$")
_AFTER = re.compile(
    rf"^(?P<rest>.+?)\s*(?P<m>{_AM_PM}|a|p|오전|오후"
    r"|in the morning|in the afternoon|in the evening|at night)$"
)
_OCLOCK = re.compile(r"^(?P<rest>.+?)\s*o\s?['’]?\s?clock$")
# "half past 7", "quarter past 7", "quarter to 8": minutes from the hour named.
_PAST = re.compile(r"^(?P<words>half past|quarter past|quarter to)\s+(?P<rest>.+)$")
_OFFSETS = {"half past": 30, "quarter past": 15, "quarter to": -15}

# "8", "08:15", "8.15", "8h15"; ASCII digits only (NFKC has already folded fullwidth ones).
_CLOCK = re.compile(r"^(?P<h>[0-9]{1,2})(?:\s*[:.h]\s*(?P<m>[0-9]{2}))?$")
# "0815": four bare digits read as HHMM; three ("815") only next to am/pm, where they can't
# be mistaken for anything else.
_COMPACT = re.compile(r"^(?P<h>[0-9]{1,2})(?P<m>[0-9]{2})$")
# "8시", "8시 30분", "8시30분", "8시 반" (half past).
_KOREAN = re.compile(r"^(?P<h>[0-9]{1,2})\s*시(?:\s*(?:(?P<m>[0-9]{1,2})\s*분|(?P<half>반)))?$")


def parse_time(text: str) -> time | None:
    """The clock time a user typed, or None when it isn't one. A bare hour of a 12-hour
    clock ("7", "7:30", "7시") reads as morning: see time_choices for the other reading."""
    choices = time_choices(text)
    return choices[0] if choices else None


def time_choices(text: str) -> tuple[time, ...]:
    """Each time the text can mean: none (not a time), one, or, for a bare hour from 1 to 11
    with no part of the day ("7", "7:30", "7시"), the morning and the evening readings."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return ()
    cleaned = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    cleaned = cleaned.removeprefix("at ")
    if cleaned in _NAMED:
        return (_NAMED[cleaned],)

    period: str | None = None
    for pattern in (_BEFORE, _AFTER):
        match = pattern.match(cleaned)
        if match:
            period = _period_name(match["m"])
            cleaned = match["rest"]
            break
    if match := _OCLOCK.match(cleaned):
        cleaned = match["rest"]
    offset = 0
    if match := _PAST.match(cleaned):
        offset, cleaned = _OFFSETS[match["words"]], match["rest"]

    parsed = _split(cleaned, period is not None, bare_hour=offset != 0)
    if parsed is None:
        return ()
    hour, minute, ambiguous = parsed
    if minute > 59 or (offset and (minute or not 1 <= hour <= 12)):
        return ()
    if period is None:
        if hour > 23:
            return ()
        readings = [hour, hour + 12] if ambiguous and 1 <= hour <= 11 else [hour]
    else:
        read = _PERIODS[period](hour)
        if read is None:
            return ()
        readings = [read]
    return tuple(_at(h, minute + offset) for h in readings)


def _period_name(word: str) -> str:
    """ "a.m.", "a m", "a" are "am"; the others are their own names."""
    squeezed = word.replace(".", "").replace(" ", "")
    if squeezed in ("a", "am"):
        return "am"
    if squeezed in ("p", "pm"):
        return "pm"
    return word


def _at(hour: int, minutes: int) -> time:
    """hour:00 plus minutes (which may be negative: a quarter to), round the clock."""
    total = (hour * 60 + minutes) % (24 * 60)
    return time(total // 60, total % 60)


def _split(core: str, has_period: bool, bare_hour: bool = False) -> tuple[int, int, bool] | None:
    """Hour and minute from the number part, before any range checks, and whether a 12-hour
    reading is open (no leading zero, not four digits: "7", "7:30", "7시", not "07:30").
    bare_hour: only an hour may stand here ("half past 7")."""
    for pattern in (_CLOCK, _KOREAN):
        match = pattern.match(core)
        if match:
            if bare_hour and (match["m"] or match.groupdict().get("half")):
                return None
            open_reading = not match["h"].startswith("0")
            if match.groupdict().get("half"):
                return int(match["h"]), 30, open_reading
            return int(match["h"]), int(match["m"] or 0), open_reading
    match = _COMPACT.match(core)
    if match and not bare_hour and (len(core) == 4 or has_period):
        return int(match["h"]), int(match["m"]), False
    return None
