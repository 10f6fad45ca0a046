"""Adherence, streaks and the forgiving habit-strength score."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coach.domain.scoring import Day, day_states, score_habit, strength

D, S, M, OPEN, A, OFF = Day.DONE, Day.SKIPPED, Day.MISSED, Day.OPEN, Day.AHEAD, Day.OFF
DAILY = (7,) * 12
START = date(2026, 1, 5)


def plan(*first: Day) -> list[Day]:
    """84 days: the given ones, then today (open), then days ahead."""
    days = [*first, OPEN]
    return days + [A] * (84 - len(days))


def test_day_states_mark_logged_missed_open_and_ahead():
    today = START + timedelta(days=3)
    logged = {START: "done", START + timedelta(days=1): "skipped"}
    states = day_states(START, 7, today, logged)
    assert states == (D, S, M, OPEN, A, A, A)
    assert day_states(START, 2, START + timedelta(days=1), {START + timedelta(days=1): "done"}) == (
        M,
        D,
    )


def test_days_before_a_habit_was_switched_on_are_off_unless_logged():
    today = START + timedelta(days=5)
    since = START + timedelta(days=3)
    logged = {START + timedelta(days=1): "done"}
    assert day_states(START, 7, today, logged, since) == (OFF, D, OFF, M, M, OPEN, A)
    # The day moved back (a new time zone) to before the habit was switched on: today is
    # still open, not off.
    assert day_states(START, 3, START + timedelta(days=1), {}, since) == (OFF, OPEN, A)


def test_days_off_are_not_asked_for_by_a_daily_habit():
    # Switched on after ten days: the next three all done, today open.
    late = score_habit(plan(*[OFF] * 10, D, D, D), DAILY)
    assert late.overall_adherence == 1.0 and late.week_adherence == 1.0
    assert late.streak == late.best_streak == 3
    assert late.strength == score_habit(plan(D, D, D), DAILY).strength, "frozen while off"
    missed = score_habit(plan(*[OFF] * 10, D, M, D), DAILY)
    assert missed.overall_adherence == missed.week_adherence == 2 / 3


def test_a_week_partly_off_asks_for_its_share_of_a_weekly_target():
    targets = (6,) * 12
    # Switched on for the last 4 days of week 1: asked ceil(6 * 4 / 7) = 4, done 4.
    score = score_habit(plan(OFF, OFF, OFF, D, D, D, D), targets)
    assert score.weekly and score.overall_adherence == 1.0
    assert (score.streak, score.best_streak) == (1, 1)
    # A whole week off asks for nothing, and passes over in the streak.
    gap = score_habit(plan(*[OFF] * 7, *[D] * 6, M), targets)
    assert gap.overall_adherence == 1.0 and gap.best_streak == 1


def test_streak_counts_done_days_and_a_skip_neither_adds_nor_breaks():
    score = score_habit(plan(D, D, S, D, M, D, D), DAILY)
    assert (score.streak, score.best_streak) == (2, 3)
    assert not score.weekly


def test_a_missed_day_breaks_the_streak_but_only_lowers_strength():
    steady = score_habit(plan(*[D] * 20), DAILY)
    slip = score_habit(plan(*[D] * 19, M), DAILY)
    assert slip.streak == 0 and slip.best_streak == 19
    assert 0 < slip.strength < steady.strength
    assert steady.strength - slip.strength <= 6  # a slip costs a little, not everything


def test_a_skip_freezes_strength():
    assert strength(plan(*[D] * 10), DAILY) == strength(plan(*[D] * 10, S, S), DAILY)


def test_strength_rises_towards_100_and_falls_towards_0():
    assert score_habit([D] * 84, DAILY).strength >= 98
    assert score_habit([M] * 84, DAILY).strength == 0
    assert score_habit(plan(), DAILY).strength == 0  # nothing logged yet, today still open


def test_adherence_this_week_and_overall_against_daily_targets():
    # Week 1: 5 of 7 done. Week 2: two days gone, one done; today open.
    score = score_habit(plan(D, D, D, D, D, M, S, D, M), DAILY)
    assert score.week_adherence == 1 / 2
    assert score.overall_adherence == 6 / 9


def test_adherence_is_unknown_before_a_day_has_passed():
    score = score_habit(plan(), DAILY)
    assert score.week_adherence is None and score.overall_adherence is None


def test_weekly_target_counts_servings_and_streaks_in_weeks():
    targets = (3,) * 12
    # Week 1: 3 servings (met). Week 2: 1 serving and missed days (broken). Week 3: met.
    # Week 4: under way and not met yet: passed over.
    week1 = [D, M, D, M, D, M, M]
    week2 = [D, M, M, M, M, M, M]
    week3 = [M, D, D, D, M, M, M]
    score = score_habit(plan(*week1, *week2, *week3, D), targets)
    assert score.weekly
    assert (score.streak, score.best_streak) == (1, 1)
    # Overall: the finished weeks, min(3,3) + min(1,3) + min(3,3) of 9; week 4 is under way
    # and not met, so not judged yet. This week: 1 serving of 3 so far.
    assert score.overall_adherence == (3 + 1 + 3) / 9
    assert score.week_adherence == 1 / 3


def test_rest_days_early_in_a_week_cost_a_weekly_target_nothing():
    targets = (3,) * 12
    score = score_habit(plan(D, D, D, M, M, M, M, M), targets)  # week 2: one rest day
    assert score.overall_adherence == 1.0 and score.week_adherence == 0.0
    met = score_habit(plan(D, D, D, M, M, M, M, D, D, D), targets)  # week 2 met already
    assert met.overall_adherence == 1.0 and met.week_adherence == 1.0


def test_the_weeks_last_day_logged_still_counts_as_this_week():
    """Today is the week's last day and logged: no day of the week is open any more."""
    days = [D] * 7 + [A] * 77
    assert score_habit(days, DAILY).week_adherence is None, "without knowing today's week"
    score = score_habit(days, DAILY, current=0)
    assert score.week_adherence == 1.0 and score.overall_adherence == 1.0


def test_a_weekly_target_met_on_rest_days_keeps_strength_up():
    targets = (3,) * 12
    three_a_week = [D, M, D, M, D, M, M] * 12
    daily = [D] * 84
    assert score_habit(three_a_week, targets).strength >= 90
    assert score_habit(three_a_week, DAILY).strength < 60  # judged as daily it would look bad
    assert score_habit(daily, targets).strength >= 90  # a slower habit builds more slowly


@given(st.lists(st.sampled_from([D, S, M, OFF]), min_size=0, max_size=83))
def test_scores_stay_in_range(history):
    score = score_habit(plan(*history), DAILY)
    assert 0 <= score.strength <= 100
    assert 0 <= score.streak <= score.best_streak <= history.count(D)
    for share in (score.week_adherence, score.overall_adherence):
        assert share is None or 0 <= share <= 1


@given(st.lists(st.sampled_from([D, S, M]), min_size=1, max_size=82))
def test_one_more_done_day_never_lowers_strength(history):
    assert strength(plan(*history, D), DAILY) >= strength(plan(*history), DAILY)
