"""next_occurrence, next_fire and local_date, with DST gaps and repeats checked against zoneinfo."""

from __future__ import annotations

import functools
import itertools
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from coach.domain.schedule import EVERY_DAY, local_date, next_fire, next_occurrence

SECOND = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
DAY = timedelta(days=1)
SATURDAY = 1 << 5
SUNDAY = 1 << 6

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
    # With the day ending at midnight there was no 30th to remind on, and the 31st gets one.
    fired = next_occurrence(time(7, 30), "Pacific/Apia", utc(2011, 12, 29, 18))
    assert wall(fired, "Pacific/Apia") == datetime.combine(date(2011, 12, 31), time(7, 30))
    # With the day ending at 03:00, the 30th lived from 00:00 to 03:00 on the 31st.
    fired = next_occurrence(time(7, 30), "Pacific/Apia", utc(2011, 12, 29, 18), time(3))
    assert wall(fired, "Pacific/Apia") == datetime.combine(date(2011, 12, 31), time(0))
    assert local_date(fired, "Pacific/Apia", time(3)) == date(2011, 12, 30)
    following = next_occurrence(time(7, 30), "Pacific/Apia", fired, time(3))
    assert wall(following, "Pacific/Apia") == datetime.combine(date(2011, 12, 31), time(7, 30))


# -- a day that ends after midnight -----------------------------------------------------------

# zone, reminder time, day end, the date its time is skipped, the last second before the jump
NIGHT_OWL_GAPS = [
    ("Europe/Berlin", time(2, 30), time(3), date(2026, 3, 29), utc(2026, 3, 29, 0, 59, 59)),
    ("America/New_York", time(2, 30), time(3), date(2026, 3, 8), utc(2026, 3, 8, 6, 59, 59)),
    ("America/Santiago", time(0, 30), time(1), date(2026, 9, 6), utc(2026, 9, 6, 3, 59, 59)),
]


@pytest.mark.parametrize(("zone", "local_time", "day_ends_at", "day", "expected"), NIGHT_OWL_GAPS)
def test_skipped_time_stays_on_the_night_it_belongs_to(
    zone: str, local_time: time, day_ends_at: time, day: date, expected: datetime
) -> None:
    # The jump already starts `day` for this user, while the skipped time belongs to the night
    # before: it fires at the last second of that night instead.
    after = datetime.combine(day - 2 * DAY, time(12), ZoneInfo(zone))
    occurrences = [next_fire(local_time, zone, after, day_ends_at=day_ends_at)]
    for _ in range(3):
        occurrences.append(next_fire(local_time, zone, occurrences[-1], day_ends_at=day_ends_at))

    user_days = [local_date(instant, zone, day_ends_at) for instant in occurrences]
    assert user_days == [day - 2 * DAY + k * DAY for k in range(4)]
    assert occurrences[1] == expected
    assert wall(expected, zone) < datetime.combine(day, local_time) < wall(expected + SECOND, zone)
    walls = [wall(occurrences[k], zone) for k in (0, 2, 3)]
    assert walls == [datetime.combine(day + k * DAY, local_time) for k in (-1, 1, 2)]


@pytest.mark.parametrize(("zone", "local_time", "day_ends_at", "day", "expected"), NIGHT_OWL_GAPS)
def test_weekdays_of_a_skipped_time_are_those_of_its_date(
    zone: str, local_time: time, day_ends_at: time, day: date, expected: datetime
) -> None:
    assert day.weekday() == 6  # these changes all happen on a Sunday
    after = datetime.combine(day - 3 * DAY, time(12), ZoneInfo(zone))
    # Sunday's reminder fires on Saturday evening by the clock, but it is Sunday's.
    assert next_fire(local_time, zone, after, SUNDAY, day_ends_at) == expected
    saturday = next_fire(local_time, zone, after, SATURDAY, day_ends_at)
    assert wall(saturday, zone) == datetime.combine(day - DAY, local_time)


@pytest.mark.parametrize(
    ("zone", "local_time", "day_ends_at", "expected"),
    [
        ("Europe/Berlin", time(2, 30), time(0), utc(2026, 3, 29, 1)),
        ("Europe/Berlin", time(2, 30), time(2), utc(2026, 3, 29, 1)),
        ("America/New_York", time(2, 30), time(1), utc(2026, 3, 8, 7)),
        ("America/Santiago", time(0, 30), time(0), utc(2026, 9, 6, 4)),
    ],
)
def test_skipped_time_fires_at_the_jump_while_that_is_its_day(
    zone: str, local_time: time, day_ends_at: time, expected: datetime
) -> None:
    after = expected - timedelta(hours=12)
    fired = next_fire(local_time, zone, after, day_ends_at=day_ends_at)
    assert fired == expected
    # The wall time is past the day end, so the jump is still the user-day it was meant for.
    assert local_date(fired, zone, day_ends_at) == wall(fired, zone).date()


@pytest.mark.parametrize("day_ends_at", [time(0), time(1), time(2), time(3), time(4)])
def test_repeated_time_fires_once_with_any_day_end(day_ends_at: time) -> None:
    # 01:30 comes twice in New York on 1 November 2026, at 05:30 and 06:30 UTC.
    after = utc(2026, 10, 31, 12)
    fired = next_fire(time(1, 30), "America/New_York", after, day_ends_at=day_ends_at)
    assert fired == utc(2026, 11, 1, 5, 30)
    following = next_fire(time(1, 30), "America/New_York", fired, day_ends_at=day_ends_at)
    assert following == utc(2026, 11, 2, 6, 30)


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


@functools.cache  # the same dates come up for every day end an example checks
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


def slot_on(day: date, local_time: time, zone: str, day_ends_at: time) -> datetime | None:
    """When the reminder for local_time on `day` fires, for a user whose day ends at day_ends_at.

    Its occurrence_on if that is in the user-day the time belongs to on a normal day, else the
    second before; None when neither is, as the clocks skipped that whole user-day.
    """
    user_day = day - DAY if local_time < day_ends_at else day
    at = occurrence_on(day, local_time, zone)
    return next(
        (c for c in (at, at - SECOND) if local_date(c, zone, day_ends_at) == user_day), None
    )


def lives(user_day: date, zone: str, day_ends_at: time) -> bool:
    """Whether any instant belongs to `user_day`, probing minute by minute around it."""
    begins = datetime.combine(user_day, day_ends_at, UTC)
    probes = (begins + k * MINUTE for k in range(-15 * 60, (24 + 15) * 60))
    return any(local_date(probe, zone, day_ends_at) == user_day for probe in probes)


# Midnight to 04:00: the settings' whole hours and the half hours between are each checked
# every time, with one more drawn to the minute.
HALF_HOURS = [time(h, m) for h in range(4) for m in (0, 30)] + [time(4)]
odd_day_ends = st.builds(time, st.integers(0, 3), st.integers(0, 59))


@given(cases(), odd_day_ends)
def test_matches_zoneinfo(case: tuple[str, time, datetime], odd_day_end: time) -> None:
    for day_ends_at in [*HALF_HOURS, odd_day_end]:
        note(f"day ends at {day_ends_at}")
        check_matches_zoneinfo(case, day_ends_at)


def check_matches_zoneinfo(case: tuple[str, time, datetime], day_ends_at: time) -> None:
    zone, local_time, after = case
    after_utc = after.astimezone(UTC)
    result = next_occurrence(local_time, zone, after, day_ends_at)

    assert result.tzinfo is UTC
    assert after_utc < result <= after_utc + LONGEST_WAIT

    # The first slot past `after`, over the local dates around it: nothing in between.
    start = after_utc.astimezone(ZoneInfo(zone)).date()
    dates = [start + k * DAY for k in range(-2, 4)]
    slots = {slot_on(day, local_time, zone, day_ends_at): day for day in dates}
    assert result == min(slot for slot in slots if slot is not None and slot > after_utc)

    target = datetime.combine(slots[result], local_time)
    if wall(result, zone) != target:
        # Only when local_time was skipped that date; then it fires as the clocks jump past it,
        # or the second before when the jump already starts the next user-day.
        assert not exists(slots[result], local_time, zone)
        jumps = (result, result + SECOND)
        assert any(wall(jump - SECOND, zone) < target < wall(jump, zone) for jump in jumps)


@given(cases())
def test_consecutive_occurrences_are_one_local_day_apart(case: tuple[str, time, datetime]) -> None:
    zone, local_time, after = case
    first = next_occurrence(local_time, zone, after)
    second = next_occurrence(local_time, zone, first)
    assert first < second <= first + LONGEST_WAIT
    if wall(first, zone).time() == local_time and wall(second, zone).time() == local_time:
        gap = wall(second, zone).date() - wall(first, zone).date()
        # The next day, unless the clocks skipped whole days in between (Apia, 2011-12-30).
        between = [wall(first, zone).date() + n * DAY for n in range(1, gap.days)]
        assert gap >= DAY and not any(exists(day, local_time, zone) for day in between)


@st.composite
def runs(draw: st.DrawFn) -> tuple[str, time, time, int, datetime]:
    """A zone, a local time, an odd day end, weekdays and a start three days before a change.

    Half the local times lie within 70 minutes of the change's wall reading, so in or near its
    gap or repeat; half of the weekday masks are every day.
    """
    zone = draw(st.sampled_from([zone for zone in ZONES if transitions(zone)]))
    change = draw(st.sampled_from(transitions(zone)))
    before = wall(change - SECOND, zone) + SECOND
    near = st.integers(-70, 70).map(lambda minutes: (before + minutes * MINUTE).time())
    local_time = draw(st.one_of(near, minute_times))
    days = draw(st.one_of(st.just(EVERY_DAY), st.integers(1, EVERY_DAY)))
    start = change - 3 * DAY + draw(st.integers(0, 24 * 3600)) * SECOND
    return zone, local_time, draw(odd_day_ends), days, start


@given(runs())
def test_one_occurrence_per_user_day(run: tuple[str, time, time, int, datetime]) -> None:
    zone, local_time, odd_day_end, days, start = run
    for day_ends_at in [*HALF_HOURS, odd_day_end]:
        note(f"day ends at {day_ends_at}")
        check_one_occurrence_per_user_day(zone, local_time, day_ends_at, days, start)


def check_one_occurrence_per_user_day(
    zone: str, local_time: time, day_ends_at: time, days: int, start: datetime
) -> None:
    occurrences = [next_fire(local_time, zone, start, days, day_ends_at)]
    while occurrences[-1] < start + 6 * DAY:
        occurrences.append(next_fire(local_time, zone, occurrences[-1], days, day_ends_at))
    user_days = [local_date(instant, zone, day_ends_at) for instant in occurrences]

    # The small hours before the day end are the evening before's: they fall on the next date.
    shift = DAY if local_time < day_ends_at else timedelta(0)
    for instant, user_day in zip(occurrences, user_days, strict=True):
        meant = user_day + shift
        assert days & (1 << meant.weekday())
        target = datetime.combine(meant, local_time)
        if exists(meant, local_time, zone):
            assert instant == occurrence_on(meant, local_time, zone)  # the first, if repeated
        else:
            jumps = (instant, instant + SECOND)
            assert any(wall(jump - SECOND, zone) < target < wall(jump, zone) for jump in jumps)

    for earlier, later in itertools.pairwise(user_days):
        assert earlier < later
        for k in range(1, (later - earlier).days):
            skipped = earlier + k * DAY
            # Passed over only when not one of the weekdays, or when it never happened.
            assert not days & (1 << (skipped + shift).weekday()) or not lives(
                skipped, zone, day_ends_at
            )


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
