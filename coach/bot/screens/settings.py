"""/settings: the current answers at a glance, and a page per thing to change."""

from __future__ import annotations

from datetime import datetime, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from coach.bot.callbacks import DAY_ENDS, WEEKLY_TIMES, SettingsTap
from coach.bot.screens.intake import (
    SAFETY_KEYS,
    habits_keyboard,
    safety_changes,
    safety_keyboard,
)
from coach.bot.screens.widgets import (
    HABIT_KEYS,
    Screen,
    button,
    chosen,
    clock,
    rows,
    toggle,
    zone_label,
)
from coach.config import SUPPORTED_LANGUAGES
from coach.domain.habits import SAFETY_ORDER, Habit
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.answers import ProfileView

MENU = (
    ("lang", "button-settings-language"),
    ("tz", "button-settings-timezone"),
    ("habits", "button-settings-habits"),
    ("times", "button-settings-times"),
    ("week", "button-settings-checkin"),
    ("digest", "button-settings-digest"),
    ("dayend", "button-settings-dayend"),
    ("safety", "button-settings-safety"),
    ("close", "button-close"),
)


def menu_screen(t: Translator, view: ProfileView, now: datetime, note: str = "") -> Screen:
    """The current answers at a glance, and a button per thing to change."""
    lines = [note, ""] if note else []
    lines.append(t("settings-title"))
    lines.append(t("settings-language", language=t(f"language-name-{view.language}")))
    if view.timezone:
        local = clock(now.astimezone(zone_info(view.timezone)).time())
        lines.append(t("settings-timezone", zone=zone_label(view.timezone, now), time=local))
    times = view.times_by_habit
    for habit in Habit:
        name = t(HABIT_KEYS[habit])
        if habit in view.habits and habit in times:
            lines.append(t("settings-habit", habit=name, time=clock(times[habit])))
        else:
            lines.append(t("settings-habit-off", habit=name))
    if view.checkin_day is not None and view.checkin_time is not None:
        lines.append(
            t(
                "settings-checkin",
                day=t.weekday(view.checkin_day),
                time=clock(view.checkin_time),
            )
        )
    if view.digest_day is not None and view.digest_time is not None:
        if view.digest_ended:  # the digest sums up the plan; the final report had the last word
            lines.append(t("settings-digest-ended"))
        elif view.digest_on:
            day, at = t.weekday(view.digest_day), clock(view.digest_time)
            lines.append(t("settings-digest", day=day, time=at))
        else:
            lines.append(t("settings-digest-off"))
    lines.append(t("settings-dayend", time=_day_end_label(t, view.day_ends_at)))
    answers = ", ".join(t(SAFETY_KEYS[s]) for s in SAFETY_ORDER if s in view.safety)
    lines.append(t("settings-safety", answers=answers or t("settings-safety-none")))
    lines += ["", t("settings-pick")]
    buttons = [
        button(t(key), SettingsTap("menu", page=page))
        for page, key in MENU
        if not (page == "digest" and view.digest_ended)
    ]
    return Screen("\n".join(lines), rows(buttons, 3))


def page_screen(t: Translator, view: ProfileView, page: str) -> Screen:
    back = [button(t("button-back"), SettingsTap("menu"))]
    match page:
        case "lang":
            buttons = [
                button(t(f"language-name-{lang}"), SettingsTap("lang", language=lang))
                for lang in SUPPORTED_LANGUAGES
            ]
            return Screen(t("settings-language-ask"), rows([*buttons, *back], 2))
        case "habits":
            return Screen(t("settings-habits-ask"), habits_keyboard(t, view, None))
        case "times":
            times = view.times_by_habit
            buttons = [
                button(
                    t("settings-habit", habit=t(HABIT_KEYS[h]), time=clock(times[h]))
                    if h in times
                    else t(HABIT_KEYS[h]),
                    SettingsTap("time", habit=h),
                )
                for h in view.habits
            ]
            return Screen(
                t("settings-times-ask"), InlineKeyboardMarkup([[b] for b in [*buttons, *back]])
            )
        case "week":
            grid = _weekly_grid(t, ("wday", "wtime"), view.checkin_day, view.checkin_time)
            return Screen(t("settings-checkin-ask"), InlineKeyboardMarkup([*grid, back]))
        case "digest":
            switch = button(
                toggle(t, t("settings-digest-switch"), view.digest_on),
                SettingsTap("digest", on=not view.digest_on),
            )
            grid = _weekly_grid(t, ("dday", "dtime"), view.digest_day, view.digest_time)
            return Screen(t("settings-digest-ask"), InlineKeyboardMarkup([[switch], *grid, back]))
        case "dayend":
            ends = [
                button(
                    chosen(t, _day_end_label(t, at), at == view.day_ends_at),
                    SettingsTap("dayend", at=at),
                )
                for at in DAY_ENDS
            ]
            grid = rows(ends, 3).inline_keyboard
            return Screen(t("settings-dayend-ask"), InlineKeyboardMarkup([*grid, back]))
        case _:  # "safety"
            text = t("settings-safety-ask") + "\n\n" + safety_changes(t, view.safety)
            return Screen(text, safety_keyboard(t, view, None))


def _weekly_grid(
    t: Translator, actions: tuple[str, str], day: int | None, at: time | None
) -> list[list[InlineKeyboardButton]]:
    """A weekday and a time for something weekly: `actions` set the check-in's ("wday",
    "wtime") or the digest's ("dday", "dtime")."""
    day_action, time_action = actions
    days = [
        button(chosen(t, t.weekday(d), d == day), SettingsTap(day_action, weekday=d))
        for d in range(7)
    ]
    times = [
        button(chosen(t, clock(choice), choice == at), SettingsTap(time_action, at=choice))
        for choice in WEEKLY_TIMES
    ]
    return [*rows(days, 3).inline_keyboard, *rows(times, 3).inline_keyboard]


def _day_end_label(t: Translator, at: time) -> str:
    return t.plain("settings-midnight") if at == time(0) else clock(at)


def closed_screen(t: Translator) -> Screen:
    return Screen(t("settings-closed"))
