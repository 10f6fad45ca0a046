"""What a check-in looks like: the reminder card after a tap (and its snooze), the /today
checklist, and the note question."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from coach.bot.callbacks import ReminderTap, TodayTap
from coach.bot.screens.reminders import reminder_buttons, reminder_text
from coach.bot.screens.widgets import (
    Screen,
    button,
    clock,
    habit_name,
    rows,
    week_line,
)
from coach.domain.checkins import NOTE_LIMIT, TOO_MUCH, Amount, CheckInStatus, Food, foods_for
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.checkins import CheckInView, DayRef, DayView, HabitDay

ANSWER_KEYS = {
    **{food: f"food-{food}" for food in Food},
    **{amount: f"amount-{amount.replace('_', '-')}" for amount in Amount},
}
STATUS_MARKS = {
    CheckInStatus.DONE: "check-mark-done",
    CheckInStatus.SKIPPED: "check-mark-skipped",
    None: "check-mark-open",
}


class Origin:
    """Where a check-in screen lives: a reminder card (keyed by delivery) or the /today
    checklist (keyed by habit and day). Buttons keep their origin."""

    def __init__(self, delivery_id: int | None, ref: DayRef) -> None:
        self.delivery_id = delivery_id
        self.ref = ref

    def tap(self, action: str, answer: str = "") -> ReminderTap | TodayTap:
        if self.delivery_id is not None:
            return ReminderTap(action, self.delivery_id, answer)
        return TodayTap(action, self.ref.day, self.ref.habit, answer)


def answer_label(t: Translator, answer: str) -> str:
    return t(ANSWER_KEYS[answer])


def logged_screen(t: Translator, view: CheckInView, origin: Origin) -> Screen:
    """The card after a tap: what is logged for the day, the follow-up question while it is
    unanswered, and Note / Undo."""
    habit, day = habit_name(t, view.habit), t.date(view.day)
    lines: list[str] = []
    buttons: list[InlineKeyboardButton] = []
    if view.status == CheckInStatus.SKIPPED:
        lines.append(t("reminder-logged-skipped", habit=habit, day=day))
    else:
        lines.append(t("reminder-logged-done", habit=habit, day=day))
        if view.detail is not None:
            lines.append(t("checkin-answer", answer=answer_label(t, view.detail)))
        elif view.habit is Habit.FERMENTED:
            lines.append(t("checkin-which-food"))
            buttons += [
                button(answer_label(t, food), origin.tap("ans", food))
                for food in foods_for(view.targets.no_natto)
            ]
            buttons.append(button(answer_label(t, TOO_MUCH), origin.tap("ans", TOO_MUCH)))
        elif view.habit is Habit.FIBER:
            lines.append(t("checkin-how-much", grams=view.targets.fiber_grams))
            buttons += [
                button(answer_label(t, amount), origin.tap("ans", amount)) for amount in Amount
            ]
    if view.detail == TOO_MUCH:
        lines.append(tolerance_line(t, view))
    if view.note:
        lines.append(t("checkin-note-shown", note=view.note))
    grid = rows(buttons, 3).inline_keyboard if buttons else ()
    actions = []
    if view.status == CheckInStatus.DONE:
        actions.append(button(t("button-note"), origin.tap("note")))
    actions.append(button(t("button-undo"), origin.tap("undo")))
    if origin.delivery_id is None:
        actions.append(button(t("button-back"), TodayTap("day", view.day)))
    return Screen("\n".join(lines), InlineKeyboardMarkup([*grid, actions]))


def tolerance_line(t: Translator, view: CheckInView) -> str:
    """What the tolerance rule does after "too much": said plainly, never silently."""
    next_targets = view.next_targets
    if next_targets is None or not view.next_change:
        return t("tolerance-gentle")
    if view.habit is Habit.FIBER:
        return t(f"tolerance-fiber-{view.next_change}", grams=next_targets.fiber_grams)
    return t(f"tolerance-fermented-{view.next_change}", servings=next_targets.fermented_servings)


def day_screen(t: Translator, view: DayView, lead: str = "") -> Screen:
    """/today: one line and one button per habit; a tap on an open habit logs it done."""
    targets = view.targets
    if view.day == view.today:
        title = t("today-title", day=t.date(view.day))
    else:
        title = t("today-title-past", day=t.date(view.day))
    lines = [lead] if lead else []
    lines += [title, week_line(t, targets)]
    if not view.items:
        lines.append(t("today-no-habits"))
    buttons = []
    for item in view.items:
        lines.append(_item_line(t, item, targets))
        label = t.plain(STATUS_MARKS[item.status], habit=t.plain(f"habit-short-{item.habit}"))
        action = "done" if item.status is None else "open"
        buttons.append(button(label, TodayTap(action, view.day, item.habit)))
    if view.items:
        lines.append(t("today-hint"))
    grid = list(rows(buttons, 3).inline_keyboard)
    if nav := _day_navigation(t, view):  # none on the plan's first day
        grid.append(nav)
    return Screen("\n".join(lines), InlineKeyboardMarkup(grid) if grid else None)


def _item_line(t: Translator, item: HabitDay, targets: WeekTargets) -> str:
    name = habit_name(t, item.habit)
    if item.status == CheckInStatus.DONE:
        line = t("today-line-done", habit=name)
        if item.detail:
            line += t("today-line-answer", answer=answer_label(t, item.detail))
    elif item.status == CheckInStatus.SKIPPED:
        line = t("today-line-skipped", habit=name)
    elif item.habit is Habit.FIBER:
        line = t("today-line-open-fiber", habit=name, grams=targets.fiber_grams)
    else:
        line = t("today-line-open", habit=name)
    if item.note:
        line += "\n" + t("checkin-note-shown", note=item.note)
    return line


def _day_navigation(t: Translator, view: DayView) -> list[InlineKeyboardButton]:
    nav = []
    earlier = view.day - timedelta(days=1)
    if earlier >= view.earliest:
        nav.append(button(t("button-earlier-day"), TodayTap("day", earlier)))
    if view.day < view.today:
        later: date = view.day + timedelta(days=1)
        key = "button-today" if later == view.today else "button-later-day"
        nav.append(button(t(key), TodayTap("day", later)))
    return nav


def undone_screen(t: Translator, view: CheckInView, delivery_id: int) -> Screen:
    """A reminder's check-in undone: the reminder's own buttons again."""
    text = t("reminder-undone", habit=habit_name(t, view.habit), day=t.date(view.day))
    return Screen(text, reminder_buttons(t, delivery_id, False))


def saved_line(t: Translator, view: CheckInView) -> str:
    """What a tap on the checklist just logged (or undid), leading the checklist."""
    habit, day = habit_name(t, view.habit), t.date(view.day)
    if view.status is None:
        return t("reminder-undone", habit=habit, day=day)
    if view.status == CheckInStatus.SKIPPED:
        return t("reminder-logged-skipped", habit=habit, day=day)
    return t("reminder-logged-done", habit=habit, day=day)


def snooze_choice(t: Translator, tap: ReminderTap) -> Screen:
    """ "Snooze": for how long, or Back to the card's own buttons."""
    delivery_id = tap.delivery_id
    choices = [
        button(t("button-snooze-30"), ReminderTap("snooze30", delivery_id)),
        button(t("button-snooze-60"), ReminderTap("snooze60", delivery_id)),
    ]
    back = [button(t("button-back"), ReminderTap("back", delivery_id))]
    return Screen(t("reminder-snooze-ask"), InlineKeyboardMarkup([choices, back]))


def card_screen(t: Translator, view: CheckInView, delivery_id: int) -> Screen:
    """The reminder card as it was sent (Back from the snooze choice)."""
    return Screen(
        reminder_text(t, view.habit, view.targets),
        reminder_buttons(t, delivery_id, view.snooze_allowed),
    )


def snoozed_screen(t: Translator, view: CheckInView, delivery_id: int) -> Screen:
    """Snoozed: when it comes again, and Done for logging it meanwhile."""
    assert view.snooze_until is not None
    local = view.snooze_until.astimezone(zone_info(view.timezone)).time()
    text = t("reminder-snoozed", habit=habit_name(t, view.habit), time=clock(local))
    done = button(t("button-done"), ReminderTap("done", delivery_id))
    return Screen(text, InlineKeyboardMarkup([[done]]))


def note_question(t: Translator, view: CheckInView) -> Screen:
    habit, day = habit_name(t, view.habit), t.date(view.day)
    return Screen(t("note-ask", habit=habit, day=day, limit=NOTE_LIMIT))


def note_saved(t: Translator, view: CheckInView) -> Screen:
    return Screen(t("note-saved", habit=habit_name(t, view.habit), day=t.date(view.day)))
