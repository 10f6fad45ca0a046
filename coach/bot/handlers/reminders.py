"""Reminder messages (rendered for the dispatcher) and their Done / Skip / Snooze / Undo buttons."""

from __future__ import annotations

import functools

from telegram import InlineKeyboardMarkup, Update

from coach.bot.callbacks import Tap, decode
from coach.bot.context import CoachContext
from coach.bot.handlers.intake import answer_unknown, edit_text, telegram_language
from coach.bot.screens import HABIT_KEYS, Screen, button, clock, rows
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.zones import zone_info
from coach.i18n import Catalog, Translator
from coach.services.checkins import ReminderTap
from coach.services.reminders import DueReminder

SNOOZE_MINUTES = {"snooze30": 30, "snooze60": 60}


def reminder_buttons(t: Translator, delivery_id: int, snooze: bool) -> InlineKeyboardMarkup:
    arg = str(delivery_id)
    buttons = [
        button(t("button-done"), Tap("r", None, "done", arg)),
        button(t("button-skip-today"), Tap("r", None, "skip", arg)),
    ]
    if snooze:
        buttons.append(button(t("button-snooze"), Tap("r", None, "snooze", arg)))
    return rows(buttons, 3)


def reminder_text(t: Translator, habit: Habit, targets: WeekTargets) -> str:
    if habit is Habit.FERMENTED:
        key = "reminder-fermented-no-natto" if targets.no_natto else "reminder-fermented"
        text = t(key, servings=targets.fermented_servings)
        if targets.small_servings:
            text += " " + t("reminder-fermented-small")
    elif habit is Habit.FIBER:
        text = t("reminder-fiber", grams=targets.fiber_grams)
        if targets.slow_fiber:
            text += " " + t("reminder-fiber-slow")
    else:
        text = t("reminder-b12")
    return text + "\n" + t("reminder-week", week=targets.week)


def renderer(catalog: Catalog):  # type: ignore[no-untyped-def]
    """The dispatcher's render function: a reminder's text and buttons in its user's language."""

    # The text depends only on language, habit and targets, so thousands of reminders share
    # a handful of renderings.
    @functools.lru_cache(maxsize=1024)
    def text(language: str, habit: Habit, targets: WeekTargets) -> str:
        return reminder_text(catalog.translator(language), habit, targets)

    def render(due: DueReminder) -> tuple[str, InlineKeyboardMarkup]:
        t = catalog.translator(due.language)
        markup = reminder_buttons(t, due.delivery_id, not due.snooze)
        return text(due.language, due.habit, due.targets), markup

    return render


async def on_reminder_tap(update: Update, context: CoachContext) -> None:
    """Log from the reminder itself, then edit that message in place: the chat stays tidy."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "r":
        await answer_unknown(update, context)
        return
    user_id, delivery_id, now = query.from_user.id, int(tap.arg), context.now()
    checkins = context.services.checkins
    match tap.action:
        case "done" | "skip":
            result = await checkins.log(
                user_id, delivery_id, "done" if tap.action == "done" else "skipped", now
            )
        case "undo":
            result = await checkins.undo(user_id, delivery_id, now)
        case _:
            result = await checkins.snooze(
                user_id, delivery_id, SNOOZE_MINUTES.get(tap.action), now
            )
    if result is None:
        t = context.translator(telegram_language(update, context))
        await query.answer(t("reminder-too-old"))
        return
    t = context.translator(result.language)
    refused = tap.action in SNOOZE_MINUTES and result.snooze_until is None
    if (tap.action == "snooze" and not result.snooze_allowed) or refused:
        await query.answer(t("reminder-snooze-gone"))
        return
    await query.answer()
    await edit_text(update, _after_tap(t, tap, result))


def _after_tap(t: Translator, tap: Tap, result: ReminderTap) -> Screen:
    habit, day = t(HABIT_KEYS[result.habit]), t.date(result.day)
    undo = rows([button(t("button-undo"), Tap("r", None, "undo", tap.arg))])
    if tap.action == "snooze":
        choices = [
            button(t("button-snooze-30"), Tap("r", None, "snooze30", tap.arg)),
            button(t("button-snooze-60"), Tap("r", None, "snooze60", tap.arg)),
        ]
        return Screen(t("reminder-snooze-ask"), rows(choices, 2))
    if result.snooze_until is not None:
        local = result.snooze_until.astimezone(zone_info(result.timezone)).time()
        return Screen(t("reminder-snoozed", habit=habit, time=clock(local)))
    if result.logged == "done":
        return Screen(t("reminder-logged-done", habit=habit, day=day), undo)
    if result.logged == "skipped":
        return Screen(t("reminder-logged-skipped", habit=habit, day=day), undo)
    return Screen(
        t("reminder-undone", habit=habit, day=day), reminder_buttons(t, int(tap.arg), False)
    )
