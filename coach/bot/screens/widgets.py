"""What every screen is made of: a Screen, buttons in rows, switches, clock times, and the
few lines several screens share (a habit's name, its target this week, the week of the plan)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from coach.bot.callbacks import Tap
from coach.domain.habits import Habit
from coach.domain.plan import WeekTargets
from coach.domain.zones import utc_offset_label
from coach.i18n import Translator

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

HABIT_KEYS = {h: f"habit-{h.value}" for h in Habit}


@dataclass(frozen=True)
class Screen:
    text: str
    markup: Markup | None = None


def as_screen(screen: Screen | str) -> Screen:
    """A bare text is a screen without buttons."""
    return Screen(screen) if isinstance(screen, str) else screen


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 3) -> InlineKeyboardMarkup:
    """Buttons in rows of at most `per_row`, which is what a phone shows comfortably."""
    grid = [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(grid)


def button(label: str, tap: Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=tap.encode())


def toggle(t: Translator, label: str, on: bool) -> str:
    """A switch's label: ticked when on, a hollow box when off."""
    return t.plain("toggle-on" if on else "toggle-off", label=label)


def chosen(t: Translator, label: str, on: bool) -> str:
    """One choice among several: the current one carries the tick."""
    return t.plain("toggle-on", label=label) if on else label


def clock(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def zone_label(zone: str, now: datetime) -> str:
    """ "Asia/Seoul (UTC+9)"; a bare offset for Etc zones, whose names invert the sign."""
    offset = utc_offset_label(zone, now)
    return offset if zone.startswith("Etc/") else f"{zone} ({offset})"


def habit_name(t: Translator, habit: Habit) -> str:
    return t(HABIT_KEYS[habit])


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


def listed(t: Translator, names: Sequence[str]) -> str:
    """ "A, B and C" in the user's language."""
    if len(names) == 1:
        return names[0]
    return t.plain("list-and", first=", ".join(names[:-1]), second=names[-1])


def when(t: Translator, instant: datetime, zone: ZoneInfo, today: date | None) -> str:
    """ "today at 19:00", "tomorrow at 07:00", else "Mar 8, 2026 at 18:00", in `zone`;
    `today` is the user's day it is measured from."""
    local = instant.astimezone(zone)
    at = clock(local.time())
    days = (local.date() - today).days if today is not None else None
    if days == 0:
        return t("when-today", time=at)
    if days == 1:
        return t("when-tomorrow", time=at)
    return t("when-date", date=t.date(local.date()), time=at)
