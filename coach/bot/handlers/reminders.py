"""Reminder messages, rendered for the dispatcher, with their Done / Skip / Snooze buttons."""

from __future__ import annotations

import functools
import json

from telegram import InlineKeyboardMarkup

from coach.bot.callbacks import Tap
from coach.bot.checkin_screens import target_text, week_line
from coach.bot.progress_screens import digest_screen, final_report
from coach.bot.screens import button, rows
from coach.bot.weekly_screens import weekly_screen
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.reminders import Kind
from coach.i18n import Catalog, Translator
from coach.services.reminders import DueReminder
from coach.services.weekly import WeeklyView


def _reminder_taps(delivery_id: int, snooze: bool) -> list[tuple[str, Tap]]:
    """A reminder card's buttons: (label key, tap), in one row."""
    arg = str(delivery_id)
    taps = [
        ("button-done", Tap("r", None, "done", arg)),
        ("button-skip-today", Tap("r", None, "skip", arg)),
    ]
    if snooze:
        taps.append(("button-snooze", Tap("r", None, "snooze", arg)))
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
