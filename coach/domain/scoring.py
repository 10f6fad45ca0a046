"""How a habit is going: each day's state, adherence against the plan, streaks, and a
forgiving habit-strength score in the spirit of Loop Habit Tracker (iSoron/uhabits).

Habit strength, from 0 to 100. Day by day from the plan's start:

    strength = previous * m + value * (1 - m),   m = 0.5 ** (sqrt(frequency) / 13)

`frequency` is how often the plan asks for the habit per day (1 for a daily habit, 3/7 for
three servings a week), so a daily habit's strength halves its distance to a new level in
about 13 days. `value` is 1 for a done day and 0 for a missed one; for a habit asked for
fewer than 7 times a week it is the share of the weekly target done in the 7 days ending
that day, so a rest day within target costs nothing. A missed day lowers the score, never
resets it. A skipped day freezes it (Loop's rule: a skip is a decision, not a failure), and
today counts only once it is logged.

Streaks count periods in a row that met the target: days for a daily habit, plan weeks for
one with a weekly target. Skipped days are passed over (they neither add nor break), and a
period still under way is passed over until it is met.

Adherence is done against asked, capped at the target. A daily habit is asked for every day
gone by (today once it is logged). A habit with a weekly target (three servings a week) is
asked for its full target in each finished week; the week under way shows its progress
towards that target, and joins the overall figure once met or finished, so rest days early
in the week cost nothing.

A habit switched on after the plan began is not asked for before that day: those days are
off. They freeze the strength like a skip, pass over in streaks, and a week partly off asks
for the target's share of the days that were on.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

DAYS_PER_WEEK = 7
HALF_LIFE_DAYS = 13.0  # Loop's constant


class Day(StrEnum):
    """A plan day as the calendar grid shows it."""

    DONE = "done"
    SKIPPED = "skipped"
    MISSED = "missed"  # a past day with nothing logged
    OPEN = "open"  # today, nothing logged yet: still time
    AHEAD = "ahead"  # still to come
    OFF = "off"  # before the habit was switched on, nothing logged: not asked for
    # Shown only, never scored (see shown_days): a day without a serving in a week whose
    # goal was already met.
    MET = "met"


@dataclass(frozen=True)
class HabitScore:
    """One habit's numbers; adherence is None until a day of the period has passed."""

    week_adherence: float | None  # this plan week, 0..1
    overall_adherence: float | None  # every plan week so far, 0..1
    streak: int
    best_streak: int
    strength: int  # 0..100
    weekly: bool  # streaks count plan weeks rather than days


def day_states(
    start: date,
    days: int,
    today: date,
    logged: Mapping[date, str],
    since: date | None = None,
) -> tuple[Day, ...]:
    """Each of the plan's days from `start`: its check-in, or missed, open or ahead. Days
    before `since` (the habit was switched on later) are off unless something was logged."""
    states = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        status = logged.get(day)
        if day > today:
            states.append(Day.AHEAD)
        elif status == Day.DONE:
            states.append(Day.DONE)
        elif status == Day.SKIPPED:
            states.append(Day.SKIPPED)
        elif since is not None and day < min(since, today):  # today is always still open
            states.append(Day.OFF)
        else:
            states.append(Day.OPEN if day == today else Day.MISSED)
    return tuple(states)


def shown_days(states: Sequence[Day], weekly_targets: Sequence[int]) -> tuple[Day, ...]:
    """The days as the chart shows them: for a habit with a weekly goal (servings of
    fermented foods, B12's days), a day without one in a week whose goal was met is not a
    miss (MET, neutral). A daily habit's days are as they are."""
    shown = list(states)
    for week, target in enumerate(weekly_targets):
        if target >= DAYS_PER_WEEK:
            continue
        days = range(week * DAYS_PER_WEEK, min((week + 1) * DAYS_PER_WEEK, len(shown)))
        # Switched on mid-week, the week asks for its share of the goal (as scoring does).
        if sum(shown[d] == Day.DONE for d in days) >= asked([shown[d] for d in days], target):
            for d in days:
                if shown[d] == Day.MISSED:
                    shown[d] = Day.MET
    return tuple(shown)


def score_habit(
    states: Sequence[Day], weekly_targets: Sequence[int], current: int | None = None
) -> HabitScore:
    """The numbers for one habit. `weekly_targets[w]` is how many days the plan asks for in
    plan week w + 1 (7 for a daily habit); the states cover the same weeks, day by day.
    `current` is the index of the week holding today (default: the first week with a day
    still open or ahead, else the last)."""
    weeks = [
        list(states[w * DAYS_PER_WEEK : (w + 1) * DAYS_PER_WEEK])
        for w in range(len(weekly_targets))
    ]
    weekly = any(target < DAYS_PER_WEEK for target in weekly_targets)
    if weekly:  # a daily habit's days off simply don't count as gone by
        weekly_targets = [asked(w, target) for w, target in zip(weeks, weekly_targets, strict=True)]
    if current is None:
        current = _current_week(weeks)
    current = min(max(current, 0), len(weeks) - 1) if weeks else 0
    shares = [
        _share(week, target, weekly, under_way=index == current)
        for index, (week, target) in enumerate(zip(weeks, weekly_targets, strict=True))
    ]
    counted = [s for s in shares[: current + 1] if s is not None]
    if weekly and current < len(shares) and shares[current] is not None:
        done, target = shares[current]  # type: ignore[misc]
        if done < target and any(d in (Day.OPEN, Day.AHEAD) for d in weeks[current]):
            counted = counted[:-1]  # still under way and not met: not judged yet
    overall = None
    if counted:
        overall = sum(min(d, e) for d, e in counted) / sum(e for _, e in counted)
    this_week = shares[current] if current < len(shares) else None
    week_adherence = None if this_week is None else min(this_week) / this_week[1]
    periods = (
        [_week_period(week, target) for week, target in zip(weeks, weekly_targets, strict=True)]
        if weekly
        else [_day_period(day) for day in states]
    )
    streak, best = _streaks(periods)
    return HabitScore(
        week_adherence=week_adherence,
        overall_adherence=overall,
        streak=streak,
        best_streak=best,
        strength=round(100 * strength(states, weekly_targets)),
        weekly=weekly,
    )


def strength(states: Sequence[Day], weekly_targets: Sequence[int]) -> float:
    """Habit strength from 0 to 1, by the formula in this module's docstring."""
    score = 0.0
    for index, state in enumerate(states):
        if state in (Day.AHEAD, Day.OPEN, Day.SKIPPED, Day.OFF):
            continue  # not yet, frozen by a skip, or not asked for
        target = weekly_targets[min(index // DAYS_PER_WEEK, len(weekly_targets) - 1)]
        frequency = target / DAYS_PER_WEEK
        multiplier = 0.5 ** (math.sqrt(frequency) / HALF_LIFE_DAYS)
        if target >= DAYS_PER_WEEK:
            value = 1.0 if state is Day.DONE else 0.0
        else:
            window = states[max(0, index - DAYS_PER_WEEK + 1) : index + 1]
            value = min(1.0, sum(s is Day.DONE for s in window) / max(target, 1))
        score = score * multiplier + value * (1 - multiplier)
    return score


def asked(week: Sequence[Day], target: int) -> int:
    """A weekly target for the days the habit was on: switched on mid-week, it is asked for
    its share of the target."""
    off = sum(s is Day.OFF for s in week)
    if not off:
        return target
    return math.ceil(target * (DAYS_PER_WEEK - off) / DAYS_PER_WEEK)


def _current_week(weeks: list[list[Day]]) -> int:
    """The index of the week holding today (or the last one, once the plan is over)."""
    for index, week in enumerate(weeks):
        if Day.OPEN in week or Day.AHEAD in week:
            return index
    return max(len(weeks) - 1, 0)


def _share(
    week: Sequence[Day], target: int, weekly: bool, under_way: bool
) -> tuple[int, int] | None:
    """(done, asked) for a week so far, or None when nothing is asked yet. A daily habit is
    asked for each day gone by; a weekly target is asked in full (the week under way shows
    progress towards it)."""
    if target <= 0:
        return None
    done = sum(s is Day.DONE for s in week)
    if weekly:
        started = any(s not in (Day.AHEAD,) for s in week)
        return (done, target) if started or under_way else None
    elapsed = sum(s not in (Day.AHEAD, Day.OPEN, Day.OFF) for s in week)
    if elapsed == 0:
        return None
    return done, math.ceil(target * elapsed / DAYS_PER_WEEK)


# A period's verdict for streaks: met, broken, or passed over.
MET, BROKEN, PASS = 1, -1, 0


def _day_period(day: Day) -> int:
    if day is Day.DONE:
        return MET
    return BROKEN if day is Day.MISSED else PASS


def _week_period(week: Sequence[Day], target: int) -> int:
    if target <= 0:
        return PASS  # nothing asked (the habit was off all week)
    done = sum(s is Day.DONE for s in week)
    if done >= target:
        return MET
    if Day.OPEN in week or Day.AHEAD in week or Day.MISSED not in week:
        return PASS  # under way, or only skips: neither adds nor breaks
    return BROKEN


def _streaks(periods: Sequence[int]) -> tuple[int, int]:
    """(current, best) runs of met periods, passing over the passed ones."""
    run = best = 0
    for verdict in periods:
        if verdict == MET:
            run += 1
            best = max(best, run)
        elif verdict == BROKEN:
            run = 0
    return run, best
