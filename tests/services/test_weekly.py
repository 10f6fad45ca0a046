"""WeeklyCheckInService called directly: the five ratings of a week against the baseline,
and the tolerance rule after a rating of discomfort."""

from __future__ import annotations

from datetime import timedelta

from coach.domain.checkins import DISCOMFORT_AT_MOST
from coach.domain.habits import SYMPTOMS, Habit, Symptom
from coach.services import Services
from coach.services.refusals import Refusal, Why
from coach.services.weekly import WeeklyView
from tests.support.rows import symptom_scores
from tests.support.seeding import DEFAULT_BASELINE, ENROLLED_AT, seed_newcomer

NOW = ENROLLED_AT  # the plan's first day, in Berlin
NEWCOMER = 12_002
SUNDAY = NOW + timedelta(days=6, hours=18)  # the last day of plan week 1
STALE = Refusal(Why.STALE, "en")


async def test_the_week_opens_unrated_against_the_baseline(services: Services, user: int) -> None:
    view = await services.weekly.open(user, SUNDAY)
    assert isinstance(view, WeeklyView)
    assert (view.week, view.weeks, view.scores) == (1, 12, ())
    assert dict(view.baseline) == DEFAULT_BASELINE
    assert view.pending is SYMPTOMS[0]


async def test_ratings_are_kept_and_the_last_answer_wins(
    services: Services, sessionmaker, user: int
) -> None:
    for symptom in SYMPTOMS:
        view = await services.weekly.rate(user, 1, symptom, 4, SUNDAY)
        assert isinstance(view, WeeklyView)
    assert view.pending is None and dict(view.scores) == dict.fromkeys(SYMPTOMS, 4)
    changed = await services.weekly.rate(user, 1, Symptom.MOOD, 5, SUNDAY)
    assert isinstance(changed, WeeklyView) and dict(changed.scores)[Symptom.MOOD] == 5
    stored = await symptom_scores(sessionmaker, user)
    assert stored[(1, Symptom.MOOD.value)] == 5
    assert sum(1 for week, _ in stored if week == 1) == len(SYMPTOMS)
    assert all(stored[(0, s.value)] == DEFAULT_BASELINE[s] for s in SYMPTOMS)  # untouched


async def test_ratings_out_of_range_or_reach_are_refused(
    services: Services, sessionmaker, user: int
) -> None:
    rate = services.weekly.rate
    assert await rate(user, 1, Symptom.ENERGY, 0, SUNDAY) == STALE
    assert await rate(user, 1, Symptom.ENERGY, 6, SUNDAY) == STALE
    assert await rate(user, 0, Symptom.ENERGY, 3, SUNDAY) == STALE  # the baseline is the intake's
    assert await rate(user, 2, Symptom.ENERGY, 3, SUNDAY) == STALE  # a week not yet begun
    assert await rate(user + 1, 1, Symptom.ENERGY, 3, SUNDAY) == Refusal(Why.STALE, None)  # nobody
    # Last week may still be answered late, the week before it no more.
    late = await rate(user, 1, Symptom.ENERGY, 3, SUNDAY + timedelta(days=3))
    assert isinstance(late, WeeklyView)
    assert await rate(user, 1, Symptom.CLARITY, 3, SUNDAY + timedelta(days=10)) == STALE
    assert {week for week, _ in await symptom_scores(sessionmaker, user)} == {0, 1}
    assert (1, Symptom.CLARITY.value) not in await symptom_scores(sessionmaker, user)


async def test_discomfort_holds_next_weeks_ramped_targets(services: Services, user: int) -> None:
    comfortable = await services.weekly.rate(
        user, 1, Symptom.DIGESTION, DISCOMFORT_AT_MOST + 1, SUNDAY
    )
    assert (
        isinstance(comfortable, WeeklyView)
        and comfortable.held_next is None
        and comfortable.held == ()
    )
    uneasy = await services.weekly.rate(user, 1, Symptom.DIGESTION, DISCOMFORT_AT_MOST, SUNDAY)
    assert isinstance(uneasy, WeeklyView)
    assert uneasy.held == (Habit.FERMENTED, Habit.FIBER)  # B12 has no ramp to hold
    assert uneasy.held_next is not None and uneasy.held_next.week == 2


async def test_no_weekly_check_in_before_the_intake_is_done(
    services: Services, sessionmaker
) -> None:
    await seed_newcomer(sessionmaker, NEWCOMER, NOW)
    assert await services.weekly.open(NEWCOMER, SUNDAY) == Refusal(Why.NOT_SET_UP, "en")
    assert await services.weekly.rate(NEWCOMER, 1, Symptom.MOOD, 3, SUNDAY) == STALE
    assert await symptom_scores(sessionmaker, NEWCOMER) == {}
