"""Schedule math: when a local wall-clock time next comes round, across DST changes."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from coach.domain.zones import zone_info


def next_occurrence(
    local_time: time, zone: str, after: datetime, day_ends_at: time = time(0)
) -> datetime:
    """The first instant strictly after `after` when the clock in `zone` shows `local_time`, in UTC.

    Each user-day (see local_date) gets exactly one. On a spring-forward day a time inside the
    gap fires when the clocks jump (02:30 -> 03:00), or at the last second before the jump when
    the jump already starts the next user-day (02:30 for a day that ends at 03:00); a user-day
    the clocks skip altogether gets none. On a fall-back day a repeated time fires once, at its
    first occurrence.
    """
    return next_fire(local_time, zone, after, EVERY_DAY, day_ends_at)


def local_date(instant: datetime, zone: str, day_ends_at: time = time(0)) -> date:
    """The user's date containing `instant`, for a day that ends at `day_ends_at` local time."""
    _require_aware(instant, "instant")
    return _user_date(instant, zone_info(zone), day_ends_at.replace(tzinfo=None, fold=0))


def _user_date(instant: datetime, tz: tzinfo, day_end: time) -> date:
    """local_date, for a zone and day end already read."""
    local = instant.astimezone(tz)
    # A night owl's 01:00 still belongs to the evening before when their day ends at 03:00.
    if local.time() < day_end:
        return local.date() - timedelta(days=1)
    return local.date()


def _require_aware(value: datetime, name: str) -> None:
    """Naive datetimes would be read in the server's zone; refuse them instead of guessing."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")


def _occurrence_on(day: date, wall: time, tz: tzinfo, day_end: time) -> datetime | None:
    """When `wall` on local date `day` fires: its first occurrence, or in a gap the jump, or
    the second before it; None when the clocks skip the user-day it belongs to."""
    naive = datetime.combine(day, wall)
    first = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == naive:
        return first
    # The wall time was skipped. fold=1 reads it with the offset after the change and fold=0
    # with the one before, which brackets the instant the clocks jumped.
    early = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    jump = _first_instant_past(naive, tz, min(early, first), max(early, first))
    # Keep it on the user-day this wall time belongs to on a normal day: with a day that ends
    # at 03:00, 02:30 is the night before's, and the 03:00 the clocks jump to is the next day's.
    user_day = day - timedelta(days=1) if wall < day_end else day
    for candidate in (jump, jump - timedelta(seconds=1)):
        if _user_date(candidate, tz, day_end) == user_day:
            return candidate
    return None


def _first_instant_past(naive: datetime, tz: tzinfo, low: datetime, high: datetime) -> datetime:
    """The first whole second in [low, high] whose wall clock is past `naive`: the gap's end."""
    # Transitions fall on whole seconds, so bisecting over integer seconds finds it exactly.
    lo = math.floor(low.timestamp())
    hi = math.ceil(high.timestamp())
    while lo < hi:
        mid = (lo + hi) // 2
        if datetime.fromtimestamp(mid, tz).replace(tzinfo=None) > naive:
            hi = mid
        else:
            lo = mid + 1
    return datetime.fromtimestamp(lo, UTC)


EVERY_DAY = 0b1111111


def next_fire(
    local_time: time,
    zone: str,
    after: datetime,
    days: int = EVERY_DAY,
    day_ends_at: time = time(0),
) -> datetime:
    """next_occurrence, on the weekdays in `days` only (bit 0 = Monday). UTC.

    The weekday is that of the date whose `local_time` it is, even when a gap moves the
    instant to the evening before.
    """
    if not days & EVERY_DAY:
        raise ValueError("a reminder needs at least one weekday")
    _require_aware(after, "after")
    tz = zone_info(zone)
    # Only the wall readings matter; a tzinfo or fold on the arguments would mislead us.
    wall = local_time.replace(tzinfo=None, fold=0)
    day_end = day_ends_at.replace(tzinfo=None, fold=0)
    after_utc = after.astimezone(UTC)
    # Start a day early so a gap or repeat around midnight can't make us skip a candidate.
    # Candidates never decrease from one date to the next, so the first past `after` wins.
    day = after_utc.astimezone(tz).date() - timedelta(days=1)
    while True:
        if days & (1 << day.weekday()):
            candidate = _occurrence_on(day, wall, tz, day_end)
            if candidate is not None and candidate > after_utc:
                return candidate
        day += timedelta(days=1)
