"""/plan, the weekly check-in's questions and its comparison with the baseline, and the
choice after the plan."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from coach.bot.callbacks import FinaleTap, WeeklyChangeTap, WeeklyTap
from coach.bot.screens.widgets import Screen, button, chosen, rows, target_text, week_line
from coach.domain.habits import SCORES, SYMPTOMS, Habit, Symptom
from coach.domain.plan import WeekTargets
from coach.domain.symptoms import direction
from coach.i18n import Translator
from coach.services.plan import PlanView
from coach.services.weekly import WeeklyView

AHEAD_SHOWN = 3  # weeks listed after this one: enough to see the ramp, short on a phone

ARROWS = {"up": "trend-up", "down": "trend-down", "same": "trend-same"}


def weekly_screen(t: Translator, view: WeeklyView) -> Screen:
    """The next question while any is open; the week against the baseline once all are."""
    pending = view.pending
    title = t("weekly-title", week=view.week)
    if pending is not None:
        step = SYMPTOMS.index(pending) + 1
        lines = [title]
        if step == 1:
            lines.append(t("weekly-intro"))
        lines.append(t("weekly-progress", step=step, total=len(SYMPTOMS)))
        lines.append(t(f"baseline-{pending}"))
        return Screen("\n".join(lines), _scores_row(t, view, pending))
    lines = [title, t("weekly-compared")]
    lines += comparison_lines(t, view.baseline, view.scores)
    if view.held_next is not None:
        # Only the held habits the user coaches are named.
        key = "weekly-digestion-held-" + "-".join(sorted(view.held))
        lines += ["", t(key, grams=view.held_next.fiber_grams)]
        if view.held_weeks >= 2:  # the plan keeps waiting: say why, and who can help
            lines.append(t("weekly-digestion-held-long", weeks=view.held_weeks))
    if view.sharp_drop:
        lines += ["", t("weekly-red-flags")]
    lines += ["", t("weekly-thanks")]
    change = button(t("button-weekly-change"), WeeklyChangeTap(view.week))
    return Screen("\n".join(lines), InlineKeyboardMarkup([[change]]))


def weekly_change_screen(t: Translator, view: WeeklyView, symptom: Symptom | None) -> Screen:
    """Changing a rated week: which answer (each with its rating), or that one's question
    with the current rating ticked. A rating tap saves it and shows the week again."""
    title = t("weekly-title", week=view.week)
    back = button(t("button-back"), WeeklyChangeTap(view.week, back=True))
    rated = dict(view.scores)
    if symptom is None:
        choices = [
            button(
                t.plain("weekly-rated", symptom=t.plain(f"symptom-{s}"), score=rated[s]),
                WeeklyChangeTap(view.week, s),
            )
            for s in SYMPTOMS
            if s in rated
        ]
        grid = [*rows(choices, 1).inline_keyboard, [back]]
        return Screen(title + "\n" + t("weekly-change-which"), InlineKeyboardMarkup(grid))
    text = "\n".join((title, t(f"baseline-{symptom}")))
    grid = [*_scores_row(t, view, symptom, rated.get(symptom)).inline_keyboard, [back]]
    return Screen(text, InlineKeyboardMarkup(grid))


def _scores_row(
    t: Translator, view: WeeklyView, symptom: Symptom, current: int | None = None
) -> InlineKeyboardMarkup:
    """The 1 to 5 buttons for one symptom; the current rating ticked."""
    buttons = [
        button(chosen(t, str(score), score == current), WeeklyTap(view.week, symptom, score))
        for score in SCORES
    ]
    return rows(buttons, 3)


def comparison_lines(
    t: Translator,
    baseline: tuple[tuple[Symptom, int], ...],
    scores: tuple[tuple[Symptom, int], ...],
) -> list[str]:
    """ "Energy 2 → 4 ↑" for each symptom rated both times."""
    now = dict(scores)
    lines = []
    for symptom, before in baseline:
        if symptom not in now:
            continue
        trend = t(ARROWS[direction(before, now[symptom])])
        lines.append(
            t(
                "symptom-change",
                symptom=t(f"symptom-{symptom}"),
                before=before,
                after=now[symptom],
                trend=trend,
            )
        )
    return lines


def choice_buttons(t: Translator, confirming: bool = False) -> InlineKeyboardMarkup:
    """After week 12: keep going, or a new plan (which asks once more before it erases)."""
    again = FinaleTap("confirm" if confirming else "again")
    label = "button-new-plan-confirm" if confirming else "button-new-plan"
    buttons = [
        button(t("button-maintenance"), FinaleTap("keep")),
        button(t(label), again),
    ]
    return rows(buttons, 1)


def again_confirm(t: Translator) -> Screen:
    """A new plan erases the weekly ratings: asked once more."""
    return Screen(t("finale-again-confirm"), choice_buttons(t, True))


def plan_screen(t: Translator, view: PlanView, lead: str = "") -> Screen:
    targets = view.this_week
    lines = [lead, ""] if lead else []
    if view.over:
        lines.append(t("plan-over"))
    lines.append(t("plan-title"))
    lines.append(week_line(t, targets))
    if not targets.maintenance:
        lines.append(t("plan-phase", phase=t(f"phase-{targets.phase}")))
    lines += [target_text(t, habit, targets, "plan") for habit in view.habits]
    if not targets.maintenance:
        lines += ["", t(f"tip-{targets.week}")]
    if view.ahead:
        lines += ["", t("plan-ahead")]
        lines += [_ahead_line(t, view.habits, week) for week in view.ahead[:AHEAD_SHOWN]]
    return Screen("\n".join(lines), choice_buttons(t) if view.over else None)


def _ahead_line(t: Translator, habits: tuple[Habit, ...], targets: WeekTargets) -> str:
    parts = []
    if Habit.FERMENTED in habits:
        parts.append(t("plan-ahead-fermented", servings=targets.fermented_servings))
    if Habit.FIBER in habits:
        parts.append(t("plan-ahead-fiber", grams=targets.fiber_grams))
    if not parts:
        parts.append(t("plan-ahead-b12"))
    return t("plan-ahead-line", week=targets.week, targets=", ".join(parts))
