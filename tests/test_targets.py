"""TargetBook: each user's targets for a day, with the plan's results reused across users."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coach.db.models import User
from coach.domain.habits import Habit
from coach.domain.plan import BACK, HOLD, load_plan
from coach.paths import PLAN_FILE
from coach.services.targets import TargetBook

PLAN = load_plan(PLAN_FILE)
START = date(2026, 3, 2)


def user(ibs: bool, histamine: bool, blood_thinner: bool, maintenance: bool) -> User:
    return User(
        id=1,
        language="en",
        timezone="UTC",
        plan_started_on=START,
        maintenance=maintenance,
        safety_ibs=ibs,
        safety_histamine=histamine,
        safety_blood_thinner=blood_thinner,
        safety_pregnant_or_minor=False,
    )


signals = st.one_of(
    st.none(),
    st.dictionaries(
        st.sampled_from([Habit.FERMENTED, Habit.FIBER]),
        st.dictionaries(st.integers(1, 11), st.sampled_from([HOLD, BACK]), max_size=4),
        max_size=2,
    ),
)


@given(
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.integers(0, 20 * 7),
    signals,
)
def test_targets_are_the_plans_for_every_user_and_day(
    ibs: bool, histamine: bool, thinner: bool, maintenance: bool, offset: int, signal
) -> None:
    """The book (which caches results without signals) answers what the plan does."""
    book = TargetBook(PLAN)
    someone = user(ibs, histamine, thinner, maintenance)
    day = START + timedelta(days=offset)
    week = offset // 7 + 1
    expected = PLAN.targets(week, someone.safety, signal, maintenance and week > PLAN.weeks)
    for _ in range(2):  # the second answer may come from the cache
        assert book.targets(someone, day, signal) == expected


def test_users_with_different_answers_never_share_a_cached_result() -> None:
    book = TargetBook(PLAN)
    day = START + timedelta(weeks=5)
    plain = book.targets(user(False, False, False, False), day, None)
    ibs = book.targets(user(True, False, False, False), day, None)
    assert plain.fiber_grams > ibs.fiber_grams and ibs.slow_fiber and not plain.slow_fiber
    held = book.targets(user(False, False, False, False), day, {Habit.FIBER: {5: HOLD}})
    assert held.fiber_change == "held" and plain.fiber_change == ""
