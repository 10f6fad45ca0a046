"""parse_time: the forms people type a clock time in, and everything else refused."""

from __future__ import annotations

from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coach.domain.timeparse import parse_time, time_choices

ACCEPTED = {
    "8:15": time(8, 15),
    "08:15": time(8, 15),
    "8.15": time(8, 15),
    "8h15": time(8, 15),
    "8am": time(8),
    "8 am": time(8),
    "8 AM": time(8),
    "8 a.m.": time(8),
    "8:15 pm": time(20, 15),
    "8:15pm": time(20, 15),
    "8.15 PM": time(20, 15),
    "8:15 p.m.": time(20, 15),
    "pm 8:15": time(20, 15),
    "20:15": time(20, 15),
    "0:00": time(0),
    "00:00": time(0),
    "23:59": time(23, 59),
    "0815": time(8, 15),
    "2015": time(20, 15),
    "815pm": time(20, 15),
    "1230am": time(0, 30),
    "12am": time(0),
    "12 am": time(0),
    "12:30am": time(0, 30),
    "12pm": time(12),
    "12:45 pm": time(12, 45),
    "1am": time(1),
    "11:59 pm": time(23, 59),
    "8": time(8),
    "20": time(20),
    "0": time(0),
    "  8:15  ": time(8, 15),
    "\t20:15\n": time(20, 15),
    "noon": time(12),
    "Midnight": time(0),
    # Fullwidth digits and colon, as phone keyboards in Korean or Japanese mode produce.
    "８:１５": time(8, 15),
    "８：１５": time(8, 15),
    "２０시": time(20),
    # Korean
    "오전 8시": time(8),
    "오후 8시 15분": time(20, 15),
    "오후 8시15분": time(20, 15),
    "오후8시": time(20),
    "8시": time(8),
    "8시 30분": time(8, 30),
    "8시 5분": time(8, 5),
    "8시 반": time(8, 30),
    "20시": time(20),
    "20시 45분": time(20, 45),
    "오전 12시": time(0),
    "오전 0시": time(0),
    "오후 12시": time(12),
    "오후 12시 30분": time(12, 30),
    "오후 8:15": time(20, 15),
    "정오": time(12),
    "자정": time(0),
    # The part of the day in words, as people say times aloud (issue 17: 16).
    "저녁 7시": time(19),
    "저녁 7시 반": time(19, 30),
    "저녁7시": time(19),
    "아침 8시": time(8),
    "밤 10시": time(22),
    "밤 12시": time(0),
    "밤 1시": time(1),
    "새벽 5시": time(5),
    "새벽 12시 30분": time(0, 30),
    "낮 2시": time(14),
    "낮 12시": time(12),
    "점심 12시 30분": time(12, 30),
    "점심 1시": time(13),
    "half past 7": time(7, 30),
    "half past 7 pm": time(19, 30),
    "quarter past 8": time(8, 15),
    "quarter to 8": time(7, 45),
    "quarter to 12 am": time(23, 45),
    "7 o'clock": time(7),
    "7 o’clock": time(7),
    "7 oclock pm": time(19),
    "at 7": time(7),
    "At 7:30 pm": time(19, 30),
    "7p": time(19),
    "7:30p": time(19, 30),
    "7a": time(7),
    "7 in the evening": time(19),
    "9 at night": time(21),
    "3 in the afternoon": time(15),
}

REJECTED = [
    "",
    "   ",
    "25:00",
    "24:00",
    "8:60",
    "8:99",
    "13pm",
    "0am",
    "0:30 am",
    "13:00 pm",
    "24",
    "99",
    "8:5",
    "8:155",
    "815",
    "12345",
    "2460",
    "0860",
    "hello",
    "am",
    "pm",
    "a.m.",
    "8 xm",
    "8 am pm",
    "am 8 pm",
    "8::15",
    "8:15:00:00",
    "-8:15",
    "+8",
    "8.5",
    "🙂",
    "8:15 🙂",
    "25시",
    "8시 60분",
    "오후 13시",
    "오후 20시",
    "시",
    "오후",
    "8" + " " * 40,
    "1" * 33,
    "8:15" + "x" * 1000,
    "８:１５ pm pm",
    "저녁 3시",
    "아침 9시 pm",
    "밤 5시",
    "half past",
    "half past 7:30",
    "half past 13",
    "quarter to 0",
    "o'clock",
    "at",
    "at at 7",
    "7 o'clock o'clock",
    "pizza",
    "7 xp",
]


@pytest.mark.parametrize(("text", "expected"), ACCEPTED.items())
def test_accepts(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", REJECTED)
def test_rejects(text: str) -> None:
    assert parse_time(text) is None


def test_every_minute_round_trips_through_24_and_12_hour_forms() -> None:
    for hour in range(24):
        for minute in range(60):
            t = time(hour, minute)
            assert parse_time(t.strftime("%H:%M")) == t
            assert parse_time(t.strftime("%I:%M %p")) == t
            assert parse_time(t.strftime("%I:%M%p").lower()) == t
            assert parse_time(f"{hour}시 {minute}분") == t
            meridiem = "오전" if hour < 12 else "오후"
            assert parse_time(f"{meridiem} {hour % 12 or 12}시 {minute}분") == t


@given(st.text())
def test_any_text_never_raises_and_gives_a_plain_time(text: str) -> None:
    result = parse_time(text)
    assert result is None or (
        isinstance(result, time)
        and result.tzinfo is None
        and result.second == 0
        and result.microsecond == 0
    )


@given(st.text(alphabet="0123456789:.apm 오전후시분반 ", max_size=12))
def test_time_shaped_text_never_raises(text: str) -> None:
    result = parse_time(text)
    assert result is None or isinstance(result, time)


@given(st.integers(0, 23), st.integers(0, 59))
def test_round_trip_for_any_minute(hour: int, minute: int) -> None:
    t = time(hour, minute)
    assert parse_time(t.strftime("%H:%M")) == t
    assert parse_time(t.strftime("%I:%M %p")) == t


# A part of the day for each hour, as a Korean speaker would say it.
def _korean_period(hour: int) -> str:
    if hour <= 5:
        return "새벽"
    if hour <= 11:
        return "아침"
    if hour <= 16:
        return "낮"
    return "저녁" if hour <= 21 else "밤"


@given(st.integers(0, 23), st.integers(0, 59), st.booleans())
def test_korean_parts_of_the_day_round_trip(hour: int, minute: int, half: bool) -> None:
    minute = 30 if half else minute
    said = f"{_korean_period(hour)} {hour % 12 or 12}시 " + ("반" if half else f"{minute}분")
    assert parse_time(said) == time(hour, minute)


@given(st.integers(0, 23), st.sampled_from(["half past", "quarter past", "o'clock", "at"]))
def test_english_words_round_trip(hour: int, words: str) -> None:
    h12, meridiem = hour % 12 or 12, "am" if hour < 12 else "pm"
    said, minute = {
        "half past": (f"half past {h12} {meridiem}", 30),
        "quarter past": (f"quarter past {h12}{meridiem[0]}", 15),
        "o'clock": (f"{h12} o'clock {meridiem}", 0),
        "at": (f"at {h12}:00 {meridiem}", 0),
    }[words]
    assert parse_time(said) == time(hour, minute)


@pytest.mark.parametrize(
    ("text", "choices"),
    [
        ("7", (time(7), time(19))),
        ("7:30", (time(7, 30), time(19, 30))),
        ("7시", (time(7), time(19))),
        ("07:00", (time(7),)),
        ("0715", (time(7, 15),)),
        ("19", (time(19),)),
        ("12", (time(12),)),
        ("0", (time(0),)),
        ("7 pm", (time(19),)),
        ("아침 7시", (time(7),)),
        ("hello", ()),
    ],
)
def test_a_bare_hour_has_a_morning_and_an_evening_reading(text: str, choices) -> None:  # type: ignore[no-untyped-def]
    assert time_choices(text) == choices
