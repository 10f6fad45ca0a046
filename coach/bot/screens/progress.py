"""/progress in words (the chart is coach.report), and /delete's question."""

from __future__ import annotations

import functools

from coach.bot.callbacks import DeleteTap
from coach.bot.screens.plan import comparison_lines
from coach.bot.screens.widgets import HABIT_KEYS, Screen, button, rows
from coach.i18n import Translator
from coach.services.progress import HabitProgress, ProgressView


def percent(t: Translator, share: float | None) -> str:
    if share is None:
        return t("progress-unknown")
    return t("progress-percent", value=round(100 * share))


def progress_text(t: Translator, view: ProgressView) -> str:
    """Week N of 12, each habit's adherence, streak and strength, and symptoms against the
    baseline: a glance on a phone (well under 800 characters)."""
    if view.over:
        lines = [t("progress-title-over", weeks=view.weeks, start=t.date(view.started_on))]
    else:
        phase = t(f"phase-{view.phase}")
        lines = [t("progress-title", week=view.week, weeks=view.weeks, phase=phase)]
    for habit in view.habits:
        lines += ["", *_habit_lines(t, habit, view.over)]
    if not view.habits:
        lines += ["", t("progress-no-habits")]
    lines += ["", *_symptom_lines(t, view)]
    return "\n".join(lines)


def progress_screen(t: Translator, view: ProgressView) -> Screen:
    return Screen(progress_text(t, view) + "\n\n" + t("progress-footer"))


def _habit_lines(t: Translator, habit: HabitProgress, over: bool) -> list[str]:
    """The habit's name, its adherence (only what is known: nothing on the first day), and
    its streak and score (no "0 days in a row"; "not started yet" before the first)."""
    score = habit.score
    lines = [t("progress-habit", habit=t.plain(HABIT_KEYS[habit.habit]))]
    week = None if over else score.week_adherence  # no "this week" once the plan is over
    overall = score.overall_adherence
    if week is not None and overall is not None:
        lines.append(t("progress-adherence", week=percent(t, week), overall=percent(t, overall)))
    elif overall is not None:
        lines.append(t("progress-adherence-overall", overall=percent(t, overall)))
    elif week is not None:
        lines.append(t("progress-adherence-week", week=percent(t, week)))
    unit = "weeks" if score.weekly else "days"
    parts = []
    if score.streak:
        parts.append(t(f"progress-streak-{unit}", streak=score.streak, best=score.best_streak))
    elif score.best_streak:
        parts.append(t(f"progress-best-{unit}", best=score.best_streak))
    if score.strength:
        parts.append(t("progress-strength", strength=score.strength))
    if not parts:
        parts.append(t("progress-not-started"))
    # The parts are HTML already: joined as they are, not escaped again.
    joined = functools.reduce(lambda a, b: t.plain("progress-parts", first=a, second=b), parts)
    lines.append(joined)
    return lines


def _symptom_lines(t: Translator, view: ProgressView) -> list[str]:
    baseline, latest = view.baseline(), view.latest()
    changes = comparison_lines(t, tuple(baseline.items()), tuple(latest.items()))
    if not changes:
        return [t("progress-symptoms-none")]
    return [t("progress-symptoms"), *changes]


def delete_screen(t: Translator, key: int) -> Screen:
    buttons = [
        button(t("delete-confirm-button"), DeleteTap(key)),
        button(t("delete-cancel-button"), DeleteTap(None)),
    ]
    return Screen(t("delete-ask"), rows(buttons, 1))
