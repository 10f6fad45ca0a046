"""/settings: change any intake answer later. Scheduling follows each change at once."""

from __future__ import annotations

from datetime import datetime, time

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from coach.bot.callbacks import DAY_ENDS, WEEKLY_TIMES, Tap, hhmm, parse_hhmm, parse_switch
from coach.bot.context import CoachContext
from coach.bot.handlers.common import edit_text, send, telegram_language
from coach.bot.handlers.intake import accept_tap
from coach.bot.screens import (
    HABIT_KEYS,
    SAFETY_KEYS,
    Screen,
    button,
    clock,
    habits_keyboard,
    rows,
    safety_changes,
    safety_keyboard,
    time_screen,
    timezone_screen,
    toggle,
    type_time_screen,
    zone_label,
)
from coach.config import SUPPORTED_LANGUAGES
from coach.domain.habits import SAFETY_ORDER, Habit, Safety
from coach.domain.intake import Step
from coach.domain.reminders import Kind
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.intake import AWAIT_TIMEZONE, IntakeView, Result

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


async def settings_command(update: Update, context: CoachContext) -> None:
    """Show the current answers and what can be changed."""
    # Opening the menu closes any question an earlier visit left open.
    result = await context.services.intake.edit(update.effective_user.id, "", context.now())
    view = result.view
    if view is None or view.step is not Step.DONE:
        language = view.language if view else telegram_language(update, context)
        await update.effective_message.reply_text(
            context.translator(language)("settings-finish-intake")
        )
        return
    t = context.translator(view.language)
    await send(update, [menu_screen(t, view, context.now())])


async def on_settings_tap(update: Update, context: CoachContext) -> None:
    """A button in the /settings menu or one of its pages."""
    accepted = await accept_tap(update, context, "s", _apply)
    if accepted is None:
        return
    tap, view, t = accepted
    now = context.now()
    match (tap.action, tap.arg):
        case ("menu", "tz"):
            await send(update, [timezone_screen(t, view, in_intake=False)])
        case ("menu", "close"):
            await edit_text(update, Screen(t("settings-closed")))
        case ("menu", "digest") if view.digest_ended:  # a button from before the plan ended
            await edit_text(update, menu_screen(t, view, now))
        case ("menu", "") | ("lang", _):
            await edit_text(update, menu_screen(t, view, now))
        case ("menu", page):
            await edit_text(update, page_screen(t, view, page))
        case ("habit", _):
            await edit_text(update, page_screen(t, view, "habits"))
        case ("wday", _):  # then the time, on the same page
            await edit_text(update, page_screen(t, view, "week"))
        case ("dday" | "digest", _):
            await edit_text(update, page_screen(t, view, "digest"))
        case ("wtime" | "dtime" | "dayend", _):
            await edit_text(update, menu_screen(t, view, now, t("settings-saved")))
        case ("safety", _):
            await edit_text(update, page_screen(t, view, "safety"))
        case ("time", arg) if arg.endswith("-"):
            await edit_text(update, time_screen(t, view, Habit(arg[:-1]), None))
        case ("time", arg) if arg.endswith("-other"):
            await send(update, [type_time_screen(t, Habit(arg.split("-")[0]))])
        case _:  # a preset time was chosen
            await edit_text(update, menu_screen(t, view, now, t("settings-saved")))


def menu_screen(t: Translator, view: IntakeView, now: datetime, note: str = "") -> Screen:
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
        button(t(key), Tap("s", None, "menu", page))
        for page, key in MENU
        if not (page == "digest" and view.digest_ended)
    ]
    return Screen("\n".join(lines), rows(buttons, 3))


def page_screen(t: Translator, view: IntakeView, page: str) -> Screen:
    back = [button(t("button-back"), Tap("s", None, "menu", ""))]
    match page:
        case "lang":
            buttons = [
                button(t(f"language-name-{lang}"), Tap("s", None, "lang", lang))
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
                    Tap("s", None, "time", f"{h}-"),
                )
                for h in view.habits
            ]
            return Screen(
                t("settings-times-ask"), InlineKeyboardMarkup([[b] for b in [*buttons, *back]])
            )
        case "week":
            grid = _weekly_grid(t, "w", view.checkin_day, view.checkin_time)
            return Screen(t("settings-checkin-ask"), InlineKeyboardMarkup([*grid, back]))
        case "digest":
            switch = button(
                toggle(t, t("settings-digest-switch"), view.digest_on),
                Tap("s", None, "digest", "off" if view.digest_on else "on"),
            )
            grid = _weekly_grid(t, "d", view.digest_day, view.digest_time)
            return Screen(t("settings-digest-ask"), InlineKeyboardMarkup([[switch], *grid, back]))
        case "dayend":
            ends = [
                button(
                    _chosen(t, _day_end_label(t, at), at == view.day_ends_at),
                    Tap("s", None, "dayend", hhmm(at)),
                )
                for at in DAY_ENDS
            ]
            grid = rows(ends, 3).inline_keyboard
            return Screen(t("settings-dayend-ask"), InlineKeyboardMarkup([*grid, back]))
        case _:  # "safety"
            text = t("settings-safety-ask") + "\n\n" + safety_changes(t, view.safety)
            return Screen(text, safety_keyboard(t, view, None))


async def _apply(context: CoachContext, user_id: int, tap: Tap) -> Result:
    intake = context.services.intake
    now = context.now()
    match tap.action:
        case "lang":
            return await intake.choose_language(user_id, None, tap.arg, now)
        case "habit":
            habit, on = parse_switch(tap.arg)
            return await intake.set_habit(user_id, None, Habit(habit), on, now)
        case "safety":
            flag, on = parse_switch(tap.arg)
            return await intake.set_safety(user_id, None, Safety(flag), on, now)
        case "time" if tap.arg.endswith("-other"):
            return await intake.ask_time(user_id, None, Habit(tap.arg.split("-")[0]), now)
        case "wday" | "dday":
            kind = Kind.CHECKIN if tap.action == "wday" else Kind.DIGEST
            return await intake.set_weekly(user_id, kind, now, weekday=int(tap.arg))
        case "wtime" | "dtime":
            kind = Kind.CHECKIN if tap.action == "wtime" else Kind.DIGEST
            return await intake.set_weekly(user_id, kind, now, at=parse_hhmm(tap.arg))
        case "digest":
            return await intake.set_weekly(user_id, Kind.DIGEST, now, on=tap.arg == "on")
        case "dayend":
            at = parse_hhmm(tap.arg)
            assert at is not None  # decode() checked it
            return await intake.set_day_end(user_id, at, now)
        case "time" if not tap.arg.endswith("-"):
            habit, _, hhmm = tap.arg.partition("-")
            at = parse_hhmm(hhmm)
            assert at is not None  # decode() checked it
            return await intake.choose_time(user_id, None, Habit(habit), at, now)
        case _:  # "menu" pages, and picking which habit's time to change
            what = AWAIT_TIMEZONE if (tap.action, tap.arg) == ("menu", "tz") else ""
            return await intake.edit(user_id, what, now)


def _weekly_grid(
    t: Translator, prefix: str, day: int | None, at: time | None
) -> list[list[InlineKeyboardButton]]:
    """A weekday and a time for something weekly (the check-in "w", the digest "d")."""
    days = [
        button(_chosen(t, t.weekday(d), d == day), Tap("s", None, f"{prefix}day", str(d)))
        for d in range(7)
    ]
    times = [
        button(
            _chosen(t, clock(choice), choice == at), Tap("s", None, f"{prefix}time", hhmm(choice))
        )
        for choice in WEEKLY_TIMES
    ]
    return [*rows(days, 3).inline_keyboard, *rows(times, 3).inline_keyboard]


def _day_end_label(t: Translator, at: time) -> str:
    return t.plain("settings-midnight") if at == time(0) else clock(at)


def _chosen(t: Translator, label: str, on: bool) -> str:
    """One choice among several: the current one carries the tick."""
    return t.plain("toggle-on", label=label) if on else label
