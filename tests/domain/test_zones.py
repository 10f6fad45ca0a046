"""Zones: typed places and offsets, shared locations, and how an offset is shown."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.domain.zones import resolve_zone, utc_offset_label, zone_for_location, zone_info

WINTER = datetime(2026, 1, 15, 12, tzinfo=UTC)
SUMMER = datetime(2026, 7, 15, 12, tzinfo=UTC)

PLACES = {
    # Zone names, however they are spelled
    "Asia/Seoul": "Asia/Seoul",
    "asia/seoul": "Asia/Seoul",
    "Seoul": "Asia/Seoul",
    "seoul": "Asia/Seoul",
    "  SEOUL  ": "Asia/Seoul",
    "new york": "America/New_York",
    "New_York": "America/New_York",
    "new-york": "America/New_York",
    "america/new york": "America/New_York",
    "America / New York": "America/New_York",
    "berlin": "Europe/Berlin",
    "London": "Europe/London",
    "Los Angeles": "America/Los_Angeles",
    "Chicago": "America/Chicago",
    "Toronto": "America/Toronto",
    "Vancouver": "America/Vancouver",
    "Sydney": "Australia/Sydney",
    "Melbourne": "Australia/Melbourne",
    "Tokyo": "Asia/Tokyo",
    "Shanghai": "Asia/Shanghai",
    "Hong Kong": "Asia/Hong_Kong",
    "Singapore": "Asia/Singapore",
    "Moscow": "Europe/Moscow",
    "Dubai": "Asia/Dubai",
    "Madrid": "Europe/Madrid",
    "Rome": "Europe/Rome",
    "Amsterdam": "Europe/Amsterdam",
    "Paris": "Europe/Paris",
    "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Port-au-Prince": "America/Port-au-Prince",
    # Aliases: places and countries that are not zone names
    "korea": "Asia/Seoul",
    "South Korea": "Asia/Seoul",
    "서울": "Asia/Seoul",
    "부산": "Asia/Seoul",
    "Busan": "Asia/Seoul",
    "Incheon": "Asia/Seoul",
    "인천": "Asia/Seoul",
    "UK": "Europe/London",
    "San Francisco": "America/Los_Angeles",
    "LA": "America/Los_Angeles",
    "NYC": "America/New_York",
    "Boston": "America/New_York",
    "Japan": "Asia/Tokyo",
    "도쿄": "Asia/Tokyo",
    "Beijing": "Asia/Shanghai",
    "India": "Asia/Kolkata",
    "Mumbai": "Asia/Kolkata",
    "Delhi": "Asia/Kolkata",
    "Bangalore": "Asia/Kolkata",
    "Germany": "Europe/Berlin",
    "France": "Europe/Paris",
    "Spain": "Europe/Madrid",
    "Italy": "Europe/Rome",
    "Netherlands": "Europe/Amsterdam",
    "München": "Europe/Berlin",
    # Typos
    "berln": "Europe/Berlin",
    "Seol": "Asia/Seoul",
    "londn": "Europe/London",
    "tokio": "Asia/Tokyo",
    "sydny": "Australia/Sydney",
    "amsterdm": "Europe/Amsterdam",
    # How we show a zone, pasted back; and a place with its country
    "Seoul (UTC+9)": "Asia/Seoul",
    "Europe/Berlin (UTC+1)": "Europe/Berlin",
    "(UTC+9)": "Etc/GMT-9",
    "Berlin, Germany": "Europe/Berlin",
}

# Typed offset -> the offset the resolved zone must have, in minutes east of UTC.
OFFSETS = {
    "UTC": 0,
    "utc": 0,
    "GMT": 0,
    "UTC+0": 0,
    "GMT-0": 0,
    "+00:00": 0,
    "UTC+9": 9 * 60,
    "utc+09:00": 9 * 60,
    "UTC +9": 9 * 60,
    "UTC 9": 9 * 60,
    "GMT-3": -3 * 60,
    "gmt−3": -3 * 60,
    "-5": -5 * 60,
    "+14": 14 * 60,
    "UTC-12": -12 * 60,
    "+5:30": 5 * 60 + 30,
    "+0530": 5 * 60 + 30,
    "UTC+5:45": 5 * 60 + 45,
    "+6:30": 6 * 60 + 30,
    "+4:30": 4 * 60 + 30,
    "+3:30": 3 * 60 + 30,
    "+9:30": 9 * 60 + 30,
    "UTC+08:45": 8 * 60 + 45,
    "-9:30": -(9 * 60 + 30),
}

GARBAGE = [
    "",
    " ",
    "x",
    "asdfgh",
    "qwerty",
    "hello",
    "earth",
    "world",
    "test",
    "🙂",
    "🙂🙂🙂",
    "x" * 1000,
    "Seoul" + " " * 100,
    "/start",
    "12345",
    "8:15",
    "asia",
    "europe",
    # Offsets we do not serve: out of range, or fractional with no zone to stand for them
    "UTC+15",
    "UTC-13",
    "+25",
    "+5:15",
    "+5:60",
    "UTC+9:99",
    "5",
]


@pytest.mark.parametrize(("text", "expected"), PLACES.items())
def test_resolves_places(text: str, expected: str) -> None:
    assert resolve_zone(text) == expected


@pytest.mark.parametrize(("text", "minutes"), OFFSETS.items())
def test_resolves_offsets_to_a_zone_with_that_offset_all_year(text: str, minutes: int) -> None:
    name = resolve_zone(text)
    assert name is not None
    for instant in (WINTER, SUMMER):
        assert zone_info(name).utcoffset(instant.replace(tzinfo=None)) == timedelta(minutes=minutes)


def test_whole_hour_offsets_use_etc_zones_with_posix_signs() -> None:
    assert resolve_zone("UTC+9") == "Etc/GMT-9"
    assert resolve_zone("GMT-3") == "Etc/GMT+3"
    assert resolve_zone("UTC") == "Etc/UTC"
    assert resolve_zone("UTC+0") == "Etc/UTC"


@pytest.mark.parametrize("text", GARBAGE)
def test_refuses_garbage(text: str) -> None:
    assert resolve_zone(text) is None


@given(st.integers(-12, 14))
def test_any_whole_hour_offset_in_range(hours: int) -> None:
    for text in (f"UTC{hours:+d}", f"GMT{hours:+03d}:00", f"{hours:+03d}00"):
        name = resolve_zone(text)
        assert name is not None
        assert zone_info(name).utcoffset(WINTER.replace(tzinfo=None)) == timedelta(hours=hours)


@given(st.integers(15, 99) | st.integers(-99, -13))
def test_offsets_out_of_range_are_refused(hours: int) -> None:
    assert resolve_zone(f"UTC{hours:+d}") is None


@given(st.text())
def test_any_text_never_raises_and_gives_a_real_zone(text: str) -> None:
    name = resolve_zone(text)
    if name is not None:
        assert name in zoneinfo.available_timezones()
        zoneinfo.ZoneInfo(name)


@given(st.sampled_from(sorted(PLACES)), st.sampled_from([str.upper, str.lower, str.title]))
def test_case_does_not_matter(text: str, change_case: Callable[[str], str]) -> None:
    assert resolve_zone(change_case(text)) == PLACES[text]


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (37.5665, 126.9780, "Asia/Seoul"),
        (35.1796, 129.0756, "Asia/Seoul"),
        (52.52, 13.405, "Europe/Berlin"),
        (40.7128, -74.006, "America/New_York"),
        (-33.8688, 151.2093, "Australia/Sydney"),
    ],
)
def test_zone_for_location(latitude: float, longitude: float, expected: str) -> None:
    assert zone_for_location(latitude, longitude) == expected


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(100, 0), (-90.5, 0), (0, 180.5), (0, -181), (float("nan"), 0), (0, float("inf"))],
)
def test_zone_for_location_out_of_range(latitude: float, longitude: float) -> None:
    assert zone_for_location(latitude, longitude) is None


@given(st.floats(allow_nan=True, allow_infinity=True), st.floats())
def test_zone_for_location_never_raises(latitude: float, longitude: float) -> None:
    name = zone_for_location(latitude, longitude)
    if name is not None:
        zoneinfo.ZoneInfo(name)


@given(st.floats(-90, 90), st.floats(-180, 180))
def test_zone_for_location_in_range_gives_a_loadable_zone(
    latitude: float, longitude: float
) -> None:
    name = zone_for_location(latitude, longitude)
    if name is not None:
        zoneinfo.ZoneInfo(name)


def test_zone_info_is_cached() -> None:
    assert zone_info("Asia/Seoul") is zone_info("Asia/Seoul")
    assert zone_info("Asia/Seoul").key == "Asia/Seoul"


def test_zone_info_refuses_unknown_names() -> None:
    with pytest.raises(zoneinfo.ZoneInfoNotFoundError):
        zone_info("Mars/Olympus_Mons")


@pytest.mark.parametrize(
    ("name", "at", "label"),
    [
        ("Asia/Seoul", WINTER, "UTC+9"),
        ("Asia/Kolkata", WINTER, "UTC+5:30"),
        ("Asia/Kathmandu", SUMMER, "UTC+5:45"),
        ("America/New_York", SUMMER, "UTC-4"),
        ("America/New_York", WINTER, "UTC-5"),
        ("America/St_Johns", WINTER, "UTC-3:30"),
        ("Pacific/Marquesas", WINTER, "UTC-9:30"),
        ("Europe/London", WINTER, "UTC"),
        ("Europe/London", SUMMER, "UTC+1"),
        ("Etc/UTC", SUMMER, "UTC"),
        ("Etc/GMT-14", SUMMER, "UTC+14"),
        ("Etc/GMT+12", SUMMER, "UTC-12"),
        ("Australia/Lord_Howe", WINTER, "UTC+11"),
        ("Australia/Lord_Howe", SUMMER, "UTC+10:30"),
    ],
)
def test_utc_offset_label(name: str, at: datetime, label: str) -> None:
    assert utc_offset_label(name, at) == label


def test_utc_offset_label_reads_the_instant_not_its_zone() -> None:
    at = datetime(2026, 1, 15, 21, tzinfo=zone_info("Asia/Seoul"))
    assert utc_offset_label("America/New_York", at) == "UTC-5"


def test_utc_offset_label_refuses_naive() -> None:
    with pytest.raises(ValueError, match="aware"):
        utc_offset_label("Asia/Seoul", datetime(2026, 1, 1))  # noqa: DTZ001


@pytest.mark.parametrize(
    ("typed", "current"),
    [
        ("US/Arizona", "America/Phoenix"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Kiev", "Europe/Kyiv"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Asia/Saigon", "Asia/Ho_Chi_Minh"),
        ("US/Eastern", "America/New_York"),
    ],
)
def test_old_zone_names_come_back_as_the_current_ones(typed: str, current: str) -> None:
    """An old tzdata name is understood, and shown back as the name in use today
    (issue 17: 26)."""
    assert resolve_zone(typed) == current
