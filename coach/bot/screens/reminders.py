"""What the reminder engine sends, rendered for the dispatcher: the reminder cards with
their Done / Skip / Snooze buttons, the weekly check-in's first question, the weekly digest
and the final report."""

from __future__ import annotations

import functools
import json

from telegram import InlineKeyboardMarkup

from coach.bot.callbacks import ReminderTap
from coach.bot.screens.plan import choice_buttons, comparison_lines, weekly_screen
from coach.bot.screens.progress import percent, progress_text
from coach.bot.screens.widgets import (
    HABIT_KEYS,
    Screen,
    button,
    listed,
    rows,
    target_text,
    week_line,
)
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.reminders import Kind
from coach.domain.symptoms import direction
from coach.i18n import Catalog, Translator
from coach.reminders.store import DueReminder
from coach.services.progress import ProgressView
from coach.services.weekly import WeeklyView

KEPT_UP = 0.7  # overall adherence at which the final report calls a habit "kept up"


def _reminder_taps(delivery_id: int, snooze: bool) -> list[tuple[str, ReminderTap]]:
    """A reminder card's buttons: (label key, tap), in one row."""
    taps = [
        ("button-done", ReminderTap("done", delivery_id)),
        ("button-skip-today", ReminderTap("skip", delivery_id)),
    ]
    if snooze:
        taps.append(("button-snooze", ReminderTap("snooze", delivery_id)))
    return taps


def reminder_buttons(t: Translator, delivery_id: int, snooze: bool) -> InlineKeyboardMarkup:
    return rows([button(t(key), tap) for key, tap in _reminder_taps(delivery_id, snooze)], 3)


def reminder_buttons_json(t: Translator, delivery_id: int, snooze: bool) -> str:
    """The same buttons as the Bot API's JSON, for the dispatcher: PTB passes a string on as
    it is, where building and serializing InlineKeyboardButton objects would cost about a
    tenth of a broadcast's CPU."""
    row = [
        {"text": t(key), "callback_data": tap.encode()}
        for key, tap in _reminder_taps(delivery_id, snooze)
    ]
    return json.dumps({"inline_keyboard": [row]}, ensure_ascii=False, separators=(",", ":"))


def reminder_text(t: Translator, habit: Habit, targets: WeekTargets) -> str:
    return target_text(t, habit, targets, "reminder") + "\n" + week_line(t, targets)


def renderer(catalog: Catalog):  # type: ignore[no-untyped-def]
    """The dispatcher's render function: a reminder's text and buttons in its user's language."""

    # The text depends only on language, habit and targets, so thousands of reminders share
    # a handful of renderings.
    @functools.lru_cache(maxsize=1024)
    def text(language: str, habit: Habit, targets: WeekTargets) -> str:
        return reminder_text(catalog.translator(language), habit, targets)

    def render(due: DueReminder) -> tuple[str, InlineKeyboardMarkup | str | None]:
        t = catalog.translator(due.language)
        if due.kind == Kind.CHECKIN:
            first = WeeklyView(due.language, due.week, due.targets.weeks, scores=(), baseline=())
            screen = weekly_screen(t, first)
        elif due.kind == Kind.FINALE:
            screen = final_report(t, due.progress)
        elif due.kind == Kind.DIGEST:
            assert due.progress is not None
            screen = digest_screen(t, due.progress)
        else:
            markup = reminder_buttons_json(t, due.delivery_id, not due.snooze)
            return text(due.language, Habit(due.kind), due.targets), markup
        return screen.text, screen.markup

    return render


def digest_screen(t: Translator, view: ProgressView) -> Screen:
    """The weekly digest: the progress summary, sent by the reminder engine."""
    return Screen("\n\n".join((t("digest-title"), progress_text(t, view), t("digest-footer"))))


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
        return t("finale-helped", habits=listed(t, kept), symptoms=listed(t, improved))
    if kept:
        return t("finale-helped-kept", habits=listed(t, kept))
    if improved:
        return t("finale-helped-improved", symptoms=listed(t, improved))
    return t("finale-helped-none")
