"""users.awaiting's spellings: every question reads back as itself, anything else as none."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from coach.domain.awaiting import AwaitNote, AwaitTime, AwaitTimezone, decode, encode
from coach.domain.habits import Habit

questions = st.one_of(
    st.just(AwaitTimezone()),
    st.builds(AwaitTime, st.sampled_from(Habit)),
    st.builds(AwaitNote, st.sampled_from(Habit), st.dates()),
)


@given(questions)
def test_each_question_reads_back_as_itself(question: object) -> None:
    assert decode(encode(question)) == question  # type: ignore[arg-type]


def test_the_spellings_are_the_ones_stored_by_earlier_versions() -> None:
    assert encode(AwaitTimezone()) == "timezone"
    assert encode(AwaitTime(Habit.FIBER)) == "time:fiber"
    assert encode(AwaitNote(Habit.B12, date(2026, 3, 2))) == "note:b12:20260302"
    assert encode(None) is None
    assert decode("note:fiber:00010101") == AwaitNote(Habit.FIBER, date(1, 1, 1))
    assert encode(AwaitNote(Habit.FIBER, date(1, 1, 1))) == "note:fiber:00010101"
    assert decode("note:fiber:20261301") is None  # no 13th month
    assert decode("time:coffee") is None


@given(st.text(max_size=40))
def test_any_other_value_reads_as_no_question(text: str) -> None:
    question = decode(text)
    assert question is None or encode(question) == text
