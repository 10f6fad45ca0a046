"""Pure check-in rules: note cleaning and the tolerance ramp."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from coach.domain.checkins import clean_note
from coach.domain.habits import Habit
from coach.domain.plan import BACK, HOLD, ramp_levels, tolerance_signals


def test_clean_note_drops_control_characters_and_squeezes_spaces() -> None:
    assert clean_note(" kimchi\x00 and\t\nrice \x07") == "kimchi and rice"
    assert clean_note("👩‍🍳 miso") == "👩‍🍳 miso", "joiners inside emoji stay"


@given(st.text())
def test_clean_note_never_keeps_nul_or_edge_spaces(text: str) -> None:
    note = clean_note(text)
    assert "\x00" not in note and note == note.strip() and "  " not in note


def test_the_ramp_rises_weekly_and_holds_or_steps_back_on_signals() -> None:
    assert ramp_levels(5, {}) == (1, 2, 3, 4, 5)
    assert ramp_levels(5, {2: HOLD}) == (1, 2, 2, 3, 4)
    assert ramp_levels(5, {2: BACK}) == (1, 2, 1, 2, 3)
    assert ramp_levels(4, {1: BACK, 2: BACK}) == (1, 1, 1, 2), "never below the first step"


def test_signals_take_the_stronger_of_too_much_and_discomfort() -> None:
    start = date(2026, 3, 2)
    signals = tolerance_signals(start, [(Habit.FIBER, date(2026, 3, 10))], [2, 3])
    assert signals[Habit.FIBER] == {2: BACK, 3: HOLD}
    assert signals[Habit.FERMENTED] == {2: HOLD, 3: HOLD}
    assert tolerance_signals(start, [(Habit.FIBER, date(2026, 3, 1))], []) == {
        Habit.FERMENTED: {},
        Habit.FIBER: {},
    }, "a day before the plan is not in it"


def test_held_and_back_are_judged_on_the_amounts_shown() -> None:
    from coach.domain.plan import Plan

    plan = Plan(12, {"start": (1, 12)}, (3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 7, 7),
                (2, 3, 4, 5, 6, 7, 8, 9, 10, 10, 10, 10), (1,) * 12, 7)  # fmt: skip
    held = plan.targets(2, (), {Habit.FERMENTED: {1: HOLD}, Habit.FIBER: {1: HOLD}})
    assert (held.fermented_servings, held.fermented_change) == (3, ""), "3 was the plan anyway"
    assert (held.fiber_grams, held.fiber_change) == (2, "held")
    back = plan.targets(4, (), {Habit.FIBER: {3: BACK}})
    assert (back.fiber_grams, back.fiber_change) == (3, "back")
