"""What a check-in looks like: the reminder card after a tap, and the /today checklist."""

from __future__ import annotations

from datetime import date, timedelta

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from coach.bot.callbacks import Tap, yyyymmdd
from coach.bot.screens import HABIT_KEYS, Screen, button, rows
from coach.domain.checkins import TOO_MUCH, Amount, Food, foods_for
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.i18n import Translator
from coach.services.checkins import CheckInView, DayRef, DayView, HabitDay

ANSWER_KEYS = {
    **{food: f"food-{food}" for food in Food},
    **{amount: f"amount-{amount.replace('_', '-')}" for amount in Amount},
}
STATUS_MARKS = {"done": "check-mark-done", "skipped": "check-mark-skipped", None: "check-mark-open"}


class Origin:
    """Where a check-in screen lives: a reminder card (scope "r", keyed by delivery) or the
    /today checklist (scope "t", keyed by habit and day). Buttons keep their origin."""

    def __init__(self, delivery_id: int | None, ref: DayRef) -> None:
        self.delivery_id = delivery_id
        self.ref = ref

    def tap(self, action: str, answer: str = "") -> Tap:
        if self.delivery_id is not None:
            arg = str(self.delivery_id) + (f"-{answer}" if answer else "")
            return Tap("r", None, action, arg)
        arg = f"{self.ref.habit}-{yyyymmdd(self.ref.day)}" + (f"-{answer}" if answer else "")
        return Tap("t", None, action, arg)


def habit_name(t: Translator, habit: Habit) -> str:
    return t(HABIT_KEYS[habit])


def answer_label(t: Translator, answer: str) -> str:
    return t(ANSWER_KEYS[answer])


def logged_screen(t: Translator, view: CheckInView, origin: Origin) -> Screen:
    """The card after a tap: what is logged for the day, the follow-up question while it is
    unanswered, and Note / Undo."""
    habit, day = habit_name(t, view.habit), t.date(view.day)
    lines: list[str] = []
    buttons: list[InlineKeyboardButton] = []
    if view.status == "skipped":
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
    if view.status == "done":
        actions.append(button(t("button-note"), origin.tap("note")))
    actions.append(button(t("button-undo"), origin.tap("undo")))
    if origin.delivery_id is None:
        actions.append(button(t("button-back"), Tap("t", None, "day", yyyymmdd(view.day))))
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
        ref = f"{item.habit}-{yyyymmdd(view.day)}"
        label = t.plain(STATUS_MARKS[item.status], habit=t.plain(f"habit-short-{item.habit}"))
        action = "done" if item.status is None else "open"
        buttons.append(button(label, Tap("t", None, action, ref)))
    if view.items:
        lines.append(t("today-hint"))
    grid = list(rows(buttons, 3).inline_keyboard)
    grid.append(_day_navigation(t, view))
    return Screen("\n".join(lines), InlineKeyboardMarkup(grid))


def target_text(t: Translator, habit: Habit, targets: WeekTargets, style: str) -> str:
    """A habit's target this week, with what the safety answers and the tolerance rule
    changed, in the words of a reminder (style "reminder") or of a /plan line ("plan")."""
    if habit is Habit.FERMENTED:
        no_natto = "-no-natto" if targets.no_natto else ""
        parts = [t(f"{style}-fermented{no_natto}", servings=targets.fermented_servings)]
        if targets.small_servings:
            parts.append(t("reminder-fermented-small"))
        if targets.fermented_change:
            parts.append(t(f"reminder-fermented-{targets.fermented_change}"))
    elif habit is Habit.FIBER:
        # IBS: a slower ramp, and gentle foods named instead of onions and inulin.
        slow = "-slow" if targets.slow_fiber else ""
        parts = [t(f"{style}-fiber{slow}", grams=targets.fiber_grams)]
        if targets.fiber_change:
            parts.append(t(f"reminder-fiber-{targets.fiber_change}"))
    else:
        parts = [t(f"{style}-b12")]
        if targets.ask_before_supplements:
            parts.append(t("plan-b12-ask"))
    return " ".join(parts)


def week_line(t: Translator, targets: WeekTargets) -> str:
    if targets.maintenance:
        return t("week-maintenance")
    return t("week-of-plan", week=targets.week, weeks=targets.weeks)


def _item_line(t: Translator, item: HabitDay, targets: WeekTargets) -> str:
    name = habit_name(t, item.habit)
    if item.status == "done":
        line = t("today-line-done", habit=name)
        if item.detail:
            line += t("today-line-answer", answer=answer_label(t, item.detail))
    elif item.status == "skipped":
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
        nav.append(button(t("button-earlier-day"), Tap("t", None, "day", yyyymmdd(earlier))))
    if view.day < view.today:
        later: date = view.day + timedelta(days=1)
        key = "button-today" if later == view.today else "button-later-day"
        nav.append(button(t(key), Tap("t", None, "day", yyyymmdd(later))))
    return nav
