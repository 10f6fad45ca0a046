"""next_occurrence and local_date, with DST gaps and repeats checked against zoneinfo."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.domain.schedule import local_date, next_occurrence

MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)

# DST both ways, both hemispheres, half- and quarter-hour offsets, Lord Howe's 30-minute DST,
# Troll's 2-hour DST, Santiago's and Casablanca's transitions around midnight, and Apia,
# which skipped 2011-12-30 altogether.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "Europe/London",
    "Europe/Moscow",
    "America/New_York",
    "America/Los_Angeles",
    "America/St_Johns",
    "America/Sao_Paulo",
    "America/Santiago",
    "Asia/Seoul",
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "Asia/Tehran",
    "Australia/Sydney",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Pacific/Apia",
    "Antarctica/Troll",
    "Africa/Casablanca",
]
# Consecutive occurrences are one local day apart: 24 hours plus the largest backward clock
# change among ZONES (Troll's 2 hours). `after` is never before the previous occurrence, so
# this also bounds the wait from `after`.
LONGEST_WAIT = DAY + timedelta(hours=2)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def wall(instant: datetime, zone: str) -> datetime:
    """The naive wall-clock reading in `zone` at `instant`."""
    return instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)


# -- a week around each 2026 transition ------------------------------------------------------

TRANSITIONS_2026 = [
    # zone, the local date clocks change, hours that day lasts
    ("Europe/Berlin", date(2026, 3, 29), 23),
    ("Europe/Berlin", date(2026, 10, 25), 25),
    ("America/New_York", date(2026, 3, 8), 23),
    ("America/New_York", date(2026, 11, 1), 25),
    ("Australia/Sydney", date(2026, 4, 5), 25),
    ("Australia/Sydney", date(2026, 10, 4), 23),
]


@pytest.mark.parametrize(("zone", "change_day", "hours"), TRANSITIONS_2026)
def test_morning_time_stays_put_across_a_transition(
    zone: str, change_day: date, hours: int
) -> None:
    tz = ZoneInfo(zone)
    start = datetime.combine(change_day - 4 * DAY, time(12), tzinfo=tz)
    occurrences = [next_occurrence(time(7, 30), zone, start)]
    for _ in range(7):
        occurrences.append(next_occurrence(time(7, 30), zone, occurrences[-1]))

    for instant in occurrences:
        assert instant.tzinfo is UTC
        assert wall(instant, zone).time() == time(7, 30)
    dates = [wall(instant, zone).date() for instant in occurrences]
    assert dates == [change_day - 3 * DAY + k * DAY for k in range(8)]
    gaps = [later - earlier for earlier, later in itertools.pairwise(occurrences)]
    # 07:30 on the change day comes after the change, so the gap into it is the odd one.
    expected = [timedelta(hours=hours if d == change_day else 24) for d in dates[1:]]
    assert gaps == expected


# -- times that don't exist, or exist twice ---------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "day"),
    [
        ("America/New_York", date(2026, 3, 8)),
        ("Europe/Berlin", date(2026, 3, 29)),
        ("Australia/Sydney", date(2026, 10, 4)),
    ],
)
def test_skipped_time_fires_when_the_clocks_jump(zone: str, day: date) -> None:
    tz = ZoneInfo(zone)
    after = datetime.combine(day - DAY, time(12), tzinfo=tz)
    fired = next_occurrence(time(2, 30), zone, after)
    assert wall(fired, zone) == datetime.combine(day, time(3))
    # The instant before it still read before 02:00: nothing between.
    assert wall(fired - timedelta(seconds=1), zone) == datetime.combine(day, time(1, 59, 59))
    following = next_occurrence(time(2, 30), zone, fired)
    assert wall(following, zone) == datetime.combine(day + DAY, time(2, 30))


def test_skipped_time_fires_once_even_when_asked_from_inside_the_hour() -> None:
    # 01:59:59 EST, one second before the jump: the next 02:30 is the jump itself.
    after = utc(2026, 3, 8, 6, 59, 59)
    assert next_occurrence(time(2, 30), "America/New_York", after) == utc(2026, 3, 8, 7)
    # From the jump on, the day's 02:30 is spent.
    fired = next_occurrence(time(2, 30), "America/New_York", utc(2026, 3, 8, 7))
    assert fired == utc(2026, 3, 9, 6, 30)


@pytest.mark.parametrize(
    ("zone", "day", "local_time"),
    [
        ("America/New_York", date(2026, 11, 1), time(1, 30)),
        ("Europe/Berlin", date(2026, 10, 25), time(2, 30)),
        ("Australia/Sydney", date(2026, 4, 5), time(2, 30)),
    ],
)
def test_repeated_time_fires_once_at_its_first_occurrence(
    zone: str, day: date, local_time: time
) -> None:
    tz = ZoneInfo(zone)
    after = datetime.combine(day - DAY, time(12), tzinfo=tz)
    fired = next_occurrence(local_time, zone, after)
    local = fired.astimezone(tz)
    assert local.replace(tzinfo=None) == datetime.combine(day, local_time)
    assert local.fold == 0
    second = fired + timedelta(hours=1)
    assert wall(second, zone) == datetime.combine(day, local_time)  # it really repeats

    following = datetime.combine(day + DAY, local_time)
    for later in (fired, fired + MINUTE, second - MINUTE, second, second + MINUTE):
        assert wall(next_occurrence(local_time, zone, later), zone) == following


def test_result_is_strictly_after_an_exact_occurrence() -> None:
    seoul_0730 = utc(2026, 5, 1, 22, 30)  # 07:30 on 2 May in Seoul
    assert next_occurrence(time(7, 30), "Asia/Seoul", seoul_0730) == seoul_0730 + DAY
    assert next_occurrence(time(7, 30), "Asia/Seoul", seoul_0730 - MINUTE) == seoul_0730


def test_after_may_be_in_any_zone() -> None:
    after = datetime(2026, 5, 2, 0, 0, tzinfo=ZoneInfo("America/Los_Angeles"))
    # 07:00 UTC on 2 May is 16:00 in Seoul: the next 07:30 there is 3 May.
    assert next_occurrence(time(7, 30), "Asia/Seoul", after) == utc(2026, 5, 2, 22, 30)


def test_local_time_tzinfo_and_fold_are_ignored() -> None:
    plain = next_occurrence(time(1, 30), "America/New_York", utc(2026, 10, 31, 12))
    odd = time(1, 30, tzinfo=ZoneInfo("Asia/Seoul"), fold=1)
    assert next_occurrence(odd, "America/New_York", utc(2026, 10, 31, 12)) == plain


def test_naive_after_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(time(7, 30), "Asia/Seoul", datetime(2026, 5, 1, 12))  # noqa: DTZ001


def test_whole_skipped_day() -> None:
    # Samoa skipped 30 December 2011: 23:59:59 on the 29th was followed by 00:00 on the 31st.
    fired = next_occurrence(time(7, 30), "Pacific/Apia", utc(2011, 12, 29, 18))
    assert wall(fired, "Pacific/Apia") == datetime.combine(date(2011, 12, 31), time(0))
    following = next_occurrence(time(7, 30), "Pacific/Apia", fired)
    assert wall(following, "Pacific/Apia") == datetime.combine(date(2011, 12, 31), time(7, 30))


# -- against zoneinfo, by brute force ---------------------------------------------------------


@functools.cache
def transitions(zone: str) -> tuple[datetime, ...]:
    """Every UTC instant in 2000-2037 at which the zone's offset changes."""
    tz = ZoneInfo(zone)
    found = []
    probe = utc(2000, 1, 1)
    while probe.year < 2038:
        nxt = probe + timedelta(hours=12)
        if probe.astimezone(tz).utcoffset() != nxt.astimezone(tz).utcoffset():
            low, high = probe, nxt
            while high - low > timedelta(seconds=1):
                mid = low + (high - low) / 2
                if mid.astimezone(tz).utcoffset() == low.astimezone(tz).utcoffset():
                    low = mid
                else:
                    high = mid
            found.append(high.replace(microsecond=0))
        probe = nxt
    return tuple(found)


def occurrence_on(day: date, local_time: time, zone: str) -> datetime:
    """When local_time happens on `day`: its first occurrence, else the end of its gap."""
    tz = ZoneInfo(zone)
    target = datetime.combine(day, local_time)
    as_utc = target.replace(tzinfo=UTC)
    offsets = {(as_utc + timedelta(hours=h)).astimezone(tz).utcoffset() for h in range(-30, 31)}
    hits = sorted(
        instant
        for offset in offsets
        if offset is not None
        and wall(instant := as_utc - offset, zone) == target  # the wall reads target there
    )
    if hits:
        return hits[0]
    # Skipped: walk minute by minute from before the gap to the first reading past it.
    probe = as_utc - max(o for o in offsets if o is not None)
    while wall(probe, zone) < target:
        probe += MINUTE
    while wall(probe - MINUTE, zone) > target:
        probe -= MINUTE
    return probe


def exists(day: date, local_time: time, zone: str) -> bool:
    return wall(occurrence_on(day, local_time, zone), zone) == datetime.combine(day, local_time)


minute_times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@st.composite
def cases(draw: st.DrawFn) -> tuple[str, time, datetime]:
    """A zone, a local time and an `after`, mostly right around one of the zone's changes.

    Uniform draws would almost never land on a change day, so three in four cases pick a
    change, a wall time within 70 minutes of it (in the gap or the repeat about half the
    time) and an `after` from a day and a half before it to two hours after.
    """
    zone = draw(st.sampled_from(ZONES))
    changes = transitions(zone)
    if changes and draw(st.integers(0, 3)) > 0:
        change = draw(st.sampled_from(changes))
        # The wall reading just as the change happens, by the old offset.
        before = wall(change - timedelta(seconds=1), zone) + timedelta(seconds=1)
        local_time = (before + draw(st.integers(-70, 70)) * MINUTE).time()
        after = change + timedelta(seconds=draw(st.integers(-36 * 3600, 2 * 3600)))
        after = after.astimezone(draw(st.sampled_from([UTC, ZoneInfo(zone)])))
        return zone, local_time, after
    after = draw(
        st.datetimes(
            min_value=datetime(2000, 1, 1),  # noqa: DTZ001
            max_value=datetime(2037, 12, 31),  # noqa: DTZ001
            timezones=st.sampled_from([UTC, ZoneInfo(zone), ZoneInfo("Asia/Seoul")]),
        )
    )
    return zone, draw(minute_times), after


@given(cases())
def test_matches_zoneinfo(case: tuple[str, time, datetime]) -> None:
    zone, local_time, after = case
    after_utc = after.astimezone(UTC)
    result = next_occurrence(local_time, zone, after)

    assert result.tzinfo is UTC
    assert after_utc < result <= after_utc + LONGEST_WAIT

    # The first candidate past `after`, over the local dates around it: nothing in between.
    start = after_utc.astimezone(ZoneInfo(zone)).date()
    candidates = [occurrence_on(start + k * DAY, local_time, zone) for k in range(-2, 4)]
    assert result == min(c for c in candidates if c > after_utc)

    reading = wall(result, zone)
    if reading.time() != local_time:
        # Only when local_time was skipped that day; then it is the first instant after the gap.
        day = reading.date() if local_time < reading.time() else reading.date() - DAY
        assert not exists(day, local_time, zone)
        assert wall(result - timedelta(seconds=1), zone) < datetime.combine(day, local_time)


@given(cases())
def test_consecutive_occurrences_are_one_local_day_apart(case: tuple[str, time, datetime]) -> None:
    zone, local_time, after = case
    first = next_occurrence(local_time, zone, after)
    second = next_occurrence(local_time, zone, first)
    assert first < second <= first + LONGEST_WAIT
    if wall(first, zone).time() == local_time and wall(second, zone).time() == local_time:
        assert wall(second, zone).date() - wall(first, zone).date() == DAY


# -- local_date -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "zone", "day_ends_at", "expected"),
    [
        # Midnight ends the day
        (utc(2026, 5, 1, 14, 59), "Asia/Seoul", time(0), date(2026, 5, 1)),  # 23:59
        (utc(2026, 5, 1, 15, 0), "Asia/Seoul", time(0), date(2026, 5, 2)),  # 00:00
        (utc(2026, 5, 1, 17, 0), "Asia/Seoul", time(0), date(2026, 5, 2)),  # 02:00
        (utc(2026, 5, 2, 3, 0), "America/New_York", time(0), date(2026, 5, 1)),  # 23:00
        (utc(2026, 5, 2, 4, 0), "America/New_York", time(0), date(2026, 5, 2)),  # 00:00
        # A day that ends at 03:00: the small hours belong to the evening before
        (utc(2026, 5, 1, 15, 0), "Asia/Seoul", time(3), date(2026, 5, 1)),  # 00:00
        (utc(2026, 5, 1, 17, 59), "Asia/Seoul", time(3), date(2026, 5, 1)),  # 02:59
        (utc(2026, 5, 1, 18, 0), "Asia/Seoul", time(3), date(2026, 5, 2)),  # 03:00
        (utc(2026, 5, 1, 14, 0), "Asia/Seoul", time(3), date(2026, 5, 1)),  # 23:00
        (utc(2026, 5, 2, 6, 30), "America/New_York", time(3), date(2026, 5, 1)),  # 02:30
        (utc(2026, 5, 2, 7, 0), "America/New_York", time(3), date(2026, 5, 2)),  # 03:00
        # 01:30 EST, the second pass on the fall-back night, is still the 31st's night
        (utc(2026, 11, 1, 6, 30), "America/New_York", time(3), date(2026, 10, 31)),
        # 03:00 EDT right after the spring-forward jump starts the new day
        (utc(2026, 3, 8, 7, 0), "America/New_York", time(3), date(2026, 3, 8)),
    ],
)
def test_local_date(instant: datetime, zone: str, day_ends_at: time, expected: date) -> None:
    assert local_date(instant, zone, day_ends_at) == expected


def test_local_date_defaults_to_midnight() -> None:
    assert local_date(utc(2026, 5, 1, 15, 0), "Asia/Seoul") == date(2026, 5, 2)


def test_local_date_refuses_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        local_date(datetime(2026, 5, 1, 12), "Asia/Seoul")  # noqa: DTZ001


@given(cases(), st.builds(time, st.integers(0, 6), st.integers(0, 59)))
def test_local_date_is_the_wall_date_shifted_by_the_day_end(
    case: tuple[str, time, datetime], day_ends_at: time
) -> None:
    zone, _, instant = case
    reading = wall(instant, zone)
    result = local_date(instant, zone, day_ends_at)
    shifted = reading - timedelta(hours=day_ends_at.hour, minutes=day_ends_at.minute)
    assert result == shifted.date()
