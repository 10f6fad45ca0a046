"""The reminder rules that need no database: when /pause holds, which habits are coached."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from coach.domain.habits import Habit
from coach.domain.reminders import Kind, coached, is_paused

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_pause_holds_until_its_end_and_not_after() -> None:
    assert is_paused(True, NOW + timedelta(seconds=1), NOW)
    assert not is_paused(True, NOW, NOW)  # a pause that has run out is over
    assert not is_paused(True, NOW - timedelta(days=1), NOW)


def test_a_pause_with_no_end_holds_until_resume() -> None:
    assert is_paused(True, None, NOW)
    assert not is_paused(False, None, NOW)
    assert not is_paused(False, NOW + timedelta(days=1), NOW)  # the flag decides


def test_coached_habits_come_in_plan_order_without_the_weekly_kinds() -> None:
    kinds = [Habit.B12.value, Kind.DIGEST, Habit.FERMENTED.value, Kind.CHECKIN, Kind.FINALE]
    assert coached(kinds) == (Habit.FERMENTED, Habit.B12)
    assert coached([]) == ()
