"""/progress, the weekly digest and the final report, in words (the chart is coach.report)."""

from __future__ import annotations

from coach.bot.callbacks import Tap
from coach.bot.screens import HABIT_KEYS, Screen, button, rows
from coach.bot.weekly_screens import choice_buttons, comparison_lines
from coach.domain.symptoms import direction
from coach.i18n import Translator
from coach.services.progress import HabitProgress, ProgressView

KEPT_UP = 0.7  # overall adherence at which the final report calls a habit "kept up"


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


def digest_screen(t: Translator, view: ProgressView) -> Screen:
    """The weekly digest: the progress summary, sent by the reminder engine."""
    return Screen("\n\n".join((t("digest-title"), progress_text(t, view), t("digest-footer"))))


def _habit_lines(t: Translator, habit: HabitProgress, over: bool) -> list[str]:
    score = habit.score
    key = "progress-streak-weeks" if score.weekly else "progress-streak-days"
    overall = percent(t, score.overall_adherence)
    adherence = (
        t("progress-adherence-overall", overall=overall)
        if over  # no "this week" once the plan is over
        else t("progress-adherence", week=percent(t, score.week_adherence), overall=overall)
    )
    return [
        t("progress-habit", habit=t.plain(HABIT_KEYS[habit.habit])),
        adherence,
        t(key, streak=score.streak, best=score.best_streak, strength=score.strength),
    ]


def _symptom_lines(t: Translator, view: ProgressView) -> list[str]:
    baseline, latest = view.baseline(), view.latest()
    changes = comparison_lines(t, tuple(baseline.items()), tuple(latest.items()))
    if not changes:
        return [t("progress-symptoms-none")]
    return [t("progress-symptoms"), *changes]


def final_report(t: Translator, view: ProgressView | None) -> Screen:
    """The morning after week 12: before and after, adherence per habit, what seemed to
    help, next steps and the disclaimer; then the choice of what comes next."""
    lines = [t("finale-title")]
    if view is not None:
        baseline, latest = view.baseline(), view.latest()
        changes = comparison_lines(t, tuple(baseline.items()), tuple(latest.items()))
        if changes:
            lines += ["", t("finale-compared"), *changes]
        if view.habits:
            lines += ["", t("finale-adherence")]
            lines += [
                t(
                    "finale-adherence-line",
                    habit=t.plain(HABIT_KEYS[h.habit]),
                    overall=percent(t, h.score.overall_adherence),
                )
                for h in view.habits
            ]
        lines += ["", t("finale-helped-title"), _what_helped(t, view)]
    lines += ["", t("finale-next-steps"), "", t("finale-next"), "", t("disclaimer")]
    return Screen("\n".join(lines), choice_buttons(t))


def _what_helped(t: Translator, view: ProgressView) -> str:
    """Habits kept up and symptoms that improved, side by side: noticed, not claimed."""
    kept = [
        t.plain(HABIT_KEYS[h.habit])
        for h in view.habits
        if (h.score.overall_adherence or 0) >= KEPT_UP
    ]
    baseline = view.baseline()
    improved = [
        t.plain(f"symptom-{symptom}")
        for symptom, after in view.latest().items()
        if symptom in baseline and direction(baseline[symptom], after) == "up"
    ]
    if kept and improved:
        return t("finale-helped", habits=_listed(t, kept), symptoms=_listed(t, improved))
    if kept:
        return t("finale-helped-kept", habits=_listed(t, kept))
    if improved:
        return t("finale-helped-improved", symptoms=_listed(t, improved))
    return t("finale-helped-none")


def _listed(t: Translator, names: list[str]) -> str:
    """ "A, B and C" in the user's language."""
    if len(names) == 1:
        return names[0]
    return t.plain("list-and", first=", ".join(names[:-1]), second=names[-1])


def delete_screen(t: Translator, key: int) -> Screen:
    buttons = [
        button(t("delete-confirm-button"), Tap("x", None, "delete", f"confirm-{key}")),
        button(t("delete-cancel-button"), Tap("x", None, "delete", "cancel")),
    ]
    return Screen(t("delete-ask"), rows(buttons, 1))
