"""What the user sees for each intake step: text from the catalog plus a keyboard."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from coach.bot.callbacks import Tap, hhmm, switch
from coach.config import SUPPORTED_LANGUAGES
from coach.domain.habits import PRESET_TIMES, SAFETY_ORDER, SCORES, Habit, Safety, Symptom
from coach.domain.intake import ORDER, Step
from coach.domain.zones import utc_offset_label, zone_info
from coach.i18n import Translator
from coach.services.intake import IntakeView

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove

# The label of each preset time (coach.domain.habits.PRESET_TIMES), in the same order.
PRESET_LABELS: dict[Habit, tuple[str, ...]] = {
    Habit.FERMENTED: ("preset-lunch", "preset-dinner"),
    Habit.FIBER: ("preset-breakfast", "preset-dinner"),
    Habit.B12: ("preset-waking", "preset-breakfast"),
}
# One-tap zones likely for each language: catalog key suffix -> IANA zone.
QUICK_ZONES: dict[str, tuple[tuple[str, str], ...]] = {
    "ko": (("seoul", "Asia/Seoul"), ("tokyo", "Asia/Tokyo")),
    "en": (
        ("new-york", "America/New_York"),
        ("chicago", "America/Chicago"),
        ("los-angeles", "America/Los_Angeles"),
        ("london", "Europe/London"),
        ("berlin", "Europe/Berlin"),
        ("sydney", "Australia/Sydney"),
    ),
}
HABIT_KEYS = {h: f"habit-{h.value}" for h in Habit}
BASELINE_KEYS = {s: f"baseline-{s.value}" for s in Symptom}
SAFETY_KEYS = {s: f"safety-{s.value}" for s in Safety}
SAFETY_CHANGE_KEYS = {s: f"safety-change-{s.value}" for s in Safety}
INTAKE_STEPS = ORDER[: ORDER.index(Step.DONE)]


@dataclass(frozen=True)
class Screen:
    text: str
    markup: Markup | None = None


def rows(buttons: Sequence[InlineKeyboardButton], per_row: int = 3) -> InlineKeyboardMarkup:
    """Buttons in rows of at most `per_row`, which is what a phone shows comfortably."""
    grid = [list(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row)]
    return InlineKeyboardMarkup(grid)


def button(label: str, tap: Tap) -> InlineKeyboardButton:
    return InlineKeyboardButton(label, callback_data=tap.encode())


def toggle(t: Translator, label: str, on: bool) -> str:
    """A switch's label: ticked when on, a hollow box when off."""
    return t.plain("toggle-on" if on else "toggle-off", label=label)


def clock(at: time) -> str:
    return f"{at.hour:02d}:{at.minute:02d}"


def progress(t: Translator, step: Step) -> str:
    return t("intake-progress", step=INTAKE_STEPS.index(step) + 1, total=len(INTAKE_STEPS))


# -- the steps -----------------------------------------------------------------------------


def language_screen(t: Translator, view: IntakeView, greeting: str) -> Screen:
    """Step 1: the greeting and the disclaimer come first, then the question."""
    tap = lambda lang: Tap("i", view.round, "lang", lang)  # noqa: E731
    text = "\n\n".join(
        (greeting, t("disclaimer"), progress(t, Step.LANGUAGE), t("intake-language-ask"))
    )
    # The language Telegram suggested is preselected: it carries the tick.
    buttons = [
        button(
            t.plain("toggle-on", label=t(f"language-name-{lang}"))
            if lang == view.language
            else t(f"language-name-{lang}"),
            tap(lang),
        )
        for lang in SUPPORTED_LANGUAGES
    ]
    return Screen(text, rows(buttons))


def consent_screen(t: Translator, view: IntakeView) -> Screen:
    text = progress(t, Step.CONSENT) + "\n" + t("intake-consent-ask")
    buttons = [
        button(t("button-agree"), Tap("i", view.round, "consent", "yes")),
        button(t("button-not-now"), Tap("i", view.round, "consent", "no")),
    ]
    return Screen(text, rows(buttons, 2))


def timezone_screen(t: Translator, view: IntakeView, in_intake: bool = True) -> Screen:
    """Location button plus cities as a reply keyboard: a tap sends the city's name as text."""
    cities = [
        KeyboardButton(t(f"zone-{key}"))
        for key, _ in QUICK_ZONES.get(view.language, QUICK_ZONES["en"])
    ]
    keyboard = [[KeyboardButton(t("button-share-location"), request_location=True)]]
    keyboard += [cities[i : i + 3] for i in range(0, len(cities), 3)]
    text = t("intake-timezone-ask")
    if in_intake:
        text = progress(t, Step.TIMEZONE) + "\n" + text
    return Screen(text, ReplyKeyboardMarkup(keyboard, resize_keyboard=True, one_time_keyboard=True))


def zone_label(zone: str, now: datetime) -> str:
    """ "Asia/Seoul (UTC+9)"; a bare offset for Etc zones, whose names invert the sign."""
    offset = utc_offset_label(zone, now)
    return offset if zone.startswith("Etc/") else f"{zone} ({offset})"


def timezone_confirmation(t: Translator, zone: str, now: datetime) -> Screen:
    local = now.astimezone(zone_info(zone))
    text = t(
        "intake-timezone-confirm",
        zone=zone_label(zone, now),
        time=clock(local.time()),
    )
    return Screen(text, ReplyKeyboardRemove())


def safety_keyboard(t: Translator, view: IntakeView, round_: int | None) -> InlineKeyboardMarkup:
    scope = "i" if round_ is not None else "s"
    buttons = [
        button(
            toggle(t, t(SAFETY_KEYS[flag]), flag in view.safety),
            Tap(scope, round_, "safety", switch(flag, flag not in view.safety)),
        )
        for flag in SAFETY_ORDER
    ]
    grid = [[b] for b in buttons]
    if round_ is not None:
        grid.append(
            [
                button(t("button-safety-none"), Tap("i", round_, "safety", "none")),
                button(t("button-done"), Tap("i", round_, "safety", "done")),
            ]
        )
    else:
        grid.append([button(t("button-done"), Tap("s", None, "menu", ""))])
    return InlineKeyboardMarkup(grid)


def safety_screen(t: Translator, view: IntakeView) -> Screen:
    text = progress(t, Step.SAFETY) + "\n" + t("intake-safety-ask")
    return Screen(text, safety_keyboard(t, view, view.round))


def safety_changes(t: Translator, safety: frozenset[Safety]) -> str:
    """What the safety answers changed in the plan, and why. Never silent."""
    if not safety:
        return t("intake-safety-unchanged")
    lines = [t("intake-safety-changed")]
    lines += [t(SAFETY_CHANGE_KEYS[flag]) for flag in SAFETY_ORDER if flag in safety]
    return "\n".join(lines)


def habits_keyboard(t: Translator, view: IntakeView, round_: int | None) -> InlineKeyboardMarkup:
    scope = "i" if round_ is not None else "s"
    grid = [
        [
            button(
                toggle(t, t(HABIT_KEYS[h]), h in view.habits),
                Tap(scope, round_, "habit", switch(h, h not in view.habits)),
            )
        ]
        for h in Habit
    ]
    if round_ is not None:
        grid.append([button(t("button-continue"), Tap("i", round_, "habit", "done"))])
    else:
        grid.append([button(t("button-done"), Tap("s", None, "menu", ""))])
    return InlineKeyboardMarkup(grid)


def habits_screen(t: Translator, view: IntakeView) -> Screen:
    text = progress(t, Step.HABITS) + "\n" + t("intake-habits-ask")
    if Safety.HISTAMINE in view.safety:
        text += "\n\n" + t("intake-habits-histamine-hint")
    return Screen(text, habits_keyboard(t, view, view.round))


def time_screen(t: Translator, view: IntakeView, habit: Habit, round_: int | None) -> Screen:
    scope = "i" if round_ is not None else "s"
    buttons = [
        button(t(key, time=clock(at)), Tap(scope, round_, "time", f"{habit}-{hhmm(at)}"))
        for key, at in zip(PRESET_LABELS[habit], PRESET_TIMES[habit], strict=True)
    ]
    buttons.append(button(t("button-other-time"), Tap(scope, round_, "time", f"{habit}-other")))
    text = t("intake-time-ask", habit=t(HABIT_KEYS[habit]))
    if round_ is not None:
        text = progress(t, Step.TIMES) + "\n" + text
    return Screen(text, rows(buttons, 2))


def type_time_screen(t: Translator, habit: Habit) -> Screen:
    return Screen(t("intake-time-type", habit=t(HABIT_KEYS[habit])))


def baseline_screen(t: Translator, view: IntakeView, symptom: Symptom) -> Screen:
    text = t(BASELINE_KEYS[symptom])
    if not view.baseline:
        text = progress(t, Step.BASELINE) + "\n" + t("intake-baseline-intro") + "\n\n" + text
    buttons = [
        button(str(score), Tap("i", view.round, "base", f"{symptom}-{score}")) for score in SCORES
    ]
    return Screen(text, rows(buttons, 3))


def summary_screen(t: Translator, view: IntakeView) -> Screen:
    """Step 8: the plan, the habits with times and this week's targets, how to change things."""
    targets = view.targets
    assert targets is not None and view.plan_started_on is not None
    times = view.times_by_habit
    if targets.week == 1:
        title = t("summary-title", date=t.date(view.plan_started_on), weeks=targets.weeks)
    else:
        phase = t(f"phase-{targets.phase}")
        title = t("summary-title-later", week=targets.week, weeks=targets.weeks, phase=phase)
    lines = [title]
    for habit in view.habits:
        at = clock(times[habit]) if habit in times else t("no-time")
        if habit is Habit.FERMENTED:
            line = t("summary-fermented", time=at, servings=targets.fermented_servings)
            if targets.small_servings:
                line += t("summary-fermented-small")
            if targets.no_natto:
                line += t("summary-fermented-no-natto")
        elif habit is Habit.FIBER:
            line = t("summary-fiber", time=at, grams=targets.fiber_grams)
            if targets.slow_fiber:
                line += t("summary-fiber-slow")
        else:
            line = t("summary-b12", time=at)
            if targets.ask_before_supplements:
                line += t("summary-b12-ask")
        lines.append(line)
    return Screen("\n".join(lines) + "\n\n" + t("summary-footer"))


def step_screens(t: Translator, view: IntakeView, greeting: str = "") -> list[Screen]:
    """The question for the step the user is at (the summary once done)."""
    match view.step:
        case Step.LANGUAGE:
            return [language_screen(t, view, greeting)]
        case Step.CONSENT:
            return [consent_screen(t, view)]
        case Step.TIMEZONE:
            return [timezone_screen(t, view)]
        case Step.SAFETY:
            return [safety_screen(t, view)]
        case Step.HABITS:
            return [habits_screen(t, view)]
        case Step.TIMES:
            habit = view.pending_habit
            assert habit is not None
            return [time_screen(t, view, habit, view.round)]
        case Step.BASELINE:
            symptom = view.pending_symptom
            assert symptom is not None
            return [baseline_screen(t, view, symptom)]
        case Step.DONE:
            return [summary_screen(t, view)]
        case Step.DECLINED:
            return [Screen(t("intake-declined"))]
