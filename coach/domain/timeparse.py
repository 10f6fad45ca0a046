"""Forgiving parsing of a clock time typed by a user ("8:15 pm", "20.15", "오후 8시 15분")."""

from __future__ import annotations

import re
import unicodedata
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

# am/pm, with or without dots, before or after the number; 오전/오후 likewise.
_MERIDIEM = r"(?P<{name}>a\.?\s?m\.?|p\.?\s?m\.?|오전|오후)"
_BEFORE = re.compile(r"^" + _MERIDIEM.format(name="m") + r"\s*(?P<rest>.+)$")
_AFTER = re.compile(r"^(?P<rest>.+?)\s*" + _MERIDIEM.format(name="m") + r"$")

# "8", "08:15", "8.15", "8h15"; ASCII digits only (NFKC has already folded fullwidth ones).
_CLOCK = re.compile(r"^(?P<h>[0-9]{1,2})(?:\s*[:.h]\s*(?P<m>[0-9]{2}))?$")
# "0815": four bare digits read as HHMM; three ("815") only next to am/pm, where they can't
# be mistaken for anything else.
_COMPACT = re.compile(r"^(?P<h>[0-9]{1,2})(?P<m>[0-9]{2})$")
# "8시", "8시 30분", "8시30분", "8시 반" (half past).
_KOREAN = re.compile(r"^(?P<h>[0-9]{1,2})\s*시(?:\s*(?:(?P<m>[0-9]{1,2})\s*분|(?P<half>반)))?$")


def parse_time(text: str) -> time | None:
    """The clock time a user typed, or None when it isn't one."""
    if not isinstance(text, str) or len(text) > MAX_LENGTH:
        return None
    cleaned = " ".join(unicodedata.normalize("NFKC", text).lower().split())
    if not cleaned:
        return None
    if cleaned in _NAMED:
        return _NAMED[cleaned]

    meridiem: str | None = None
    korean_meridiem = False
    for pattern in (_BEFORE, _AFTER):
        match = pattern.match(cleaned)
        if match:
            word = match["m"]
            korean_meridiem = word in ("오전", "오후")
            meridiem = "pm" if word.startswith(("p", "오후")) else "am"
            cleaned = match["rest"]
            break

    parsed = _split(cleaned, meridiem is not None)
    if parsed is None:
        return None
    hour, minute = parsed
    if minute > 59:
        return None
    if meridiem is None:
        return time(hour, minute) if hour <= 23 else None
    # Korean clocks commonly say 오전 0시 for the hour after midnight; English never says 0 am.
    lowest = 0 if korean_meridiem else 1
    if not lowest <= hour <= 12:
        return None
    hour %= 12
    if meridiem == "pm":
        hour += 12
    return time(hour, minute)


def _split(core: str, has_meridiem: bool) -> tuple[int, int] | None:
    """Hour and minute from the number part, before any range checks."""
    for pattern in (_CLOCK, _KOREAN):
        match = pattern.match(core)
        if match:
            if match.groupdict().get("half"):
                return int(match["h"]), 30
            return int(match["h"]), int(match["m"] or 0)
    match = _COMPACT.match(core)
    if match and (len(core) == 4 or has_meridiem):
        return int(match["h"]), int(match["m"])
    return None
