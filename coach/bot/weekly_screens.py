"""The weekly check-in's questions and its comparison with the baseline; the choice after
the plan."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup

from coach.bot.callbacks import Tap
from coach.bot.screens import Screen, button, rows
from coach.domain.habits import SCORES, SYMPTOMS, Symptom
from coach.domain.symptoms import direction
from coach.i18n import Translator
from coach.services.weekly import WeeklyView

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
        buttons = [
            button(str(score), Tap("w", None, "rate", f"{view.week}-{pending}-{score}"))
            for score in SCORES
        ]
        return Screen("\n".join(lines), rows(buttons, 3))
    lines = [title, t("weekly-compared")]
    lines += comparison_lines(t, view.baseline, view.scores)
    if view.held_next is not None:
        # Only the held habits the user coaches are named.
        key = "weekly-digestion-held-" + "-".join(sorted(view.held))
        lines += ["", t(key, grams=view.held_next.fiber_grams)]
    if view.sharp_drop:
        lines += ["", t("weekly-red-flags")]
    lines += ["", t("weekly-thanks")]
    return Screen("\n".join(lines))


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
    again = Tap("f", None, "again", "confirm" if confirming else "")
    label = "button-new-plan-confirm" if confirming else "button-new-plan"
    buttons = [
        button(t("button-maintenance"), Tap("f", None, "keep")),
        button(t(label), again),
    ]
    return rows(buttons, 1)
