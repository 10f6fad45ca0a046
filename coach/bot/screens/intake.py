"""What the user sees for each intake step (text from the catalog plus a keyboard), the
/start menu for someone already in the intake, and the keyboards /settings shares with it."""

from __future__ import annotations

from datetime import datetime, time

from telegram import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from coach.bot.callbacks import IntakeTap, SettingsTap, StartOverTap
from coach.bot.screens.widgets import (
    HABIT_KEYS,
    Screen,
    button,
    clock,
    rows,
    toggle,
    when,
    zone_label,
)
from coach.config import SUPPORTED_LANGUAGES
from coach.domain.habits import PRESET_TIMES, SAFETY_ORDER, SCORES, Habit, Safety, Symptom
from coach.domain.intake import ORDER, Step
from coach.domain.zones import zone_info
from coach.i18n import Translator
from coach.services.answers import ProfileView
from coach.services.intake import IntakeView

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
BASELINE_KEYS = {s: f"baseline-{s.value}" for s in Symptom}
SAFETY_KEYS = {s: f"safety-{s.value}" for s in Safety}
SAFETY_CHANGE_KEYS = {s: f"safety-change-{s.value}" for s in Safety}
INTAKE_STEPS = ORDER[: ORDER.index(Step.DONE)]


def progress(t: Translator, step: Step) -> str:
    return t("intake-progress", step=INTAKE_STEPS.index(step) + 1, total=len(INTAKE_STEPS))


def _answer(round_: int | None, action: str, **fields: object) -> IntakeTap | SettingsTap:
    """A button shared with /settings: an intake answer in its round, or (round None) the
    same change made from /settings."""
    if round_ is None:
        return SettingsTap(action, **fields)  # type: ignore[arg-type]
    return IntakeTap(round_, action, **fields)  # type: ignore[arg-type]


# -- the steps -----------------------------------------------------------------------------


def language_screen(t: Translator, view: IntakeView, greeting: str) -> Screen:
    """Step 1: the greeting comes first, then the question (the disclaimer comes once, on
    the consent screen next: not 150 words before the first question)."""
    tap = lambda lang: IntakeTap(view.round, "lang", language=lang)  # noqa: E731
    text = "\n\n".join((greeting, progress(t, Step.LANGUAGE), t("intake-language-ask")))
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
        button(t("button-agree"), IntakeTap(view.round, "consent", agree=True)),
        button(t("button-not-now"), IntakeTap(view.round, "consent", agree=False)),
    ]
    return Screen(text, rows(buttons, 2))


def timezone_screen(t: Translator, view: ProfileView, in_intake: bool = True) -> Screen:
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
    else:  # /settings: a way out (the intake's question has to be answered)
        keyboard.append([KeyboardButton(t.plain(CANCEL_ZONE))])
    return Screen(text, ReplyKeyboardMarkup(keyboard, resize_keyboard=True, one_time_keyboard=True))


CANCEL_ZONE = "button-settings-timezone-cancel"


def timezone_kept_screen(t: Translator, zone: str, now: datetime) -> Screen:
    """/settings' time-zone question cancelled: the zone as it stays, the keyboard gone."""
    return Screen(t("settings-timezone-kept", zone=zone_label(zone, now)), ReplyKeyboardRemove())


def timezone_confirmation(t: Translator, zone: str, now: datetime) -> Screen:
    local = now.astimezone(zone_info(zone))
    text = t(
        "intake-timezone-confirm",
        zone=zone_label(zone, now),
        time=clock(local.time()),
    )
    return Screen(text, ReplyKeyboardRemove())


def safety_keyboard(t: Translator, view: ProfileView, round_: int | None) -> InlineKeyboardMarkup:
    buttons = [
        button(
            toggle(t, t(SAFETY_KEYS[flag]), flag in view.safety),
            _answer(round_, "safety", safety=flag, on=flag not in view.safety),
        )
        for flag in SAFETY_ORDER
    ]
    grid = [[b] for b in buttons]
    if round_ is not None:
        done = button(t("button-done"), IntakeTap(round_, "safety", word="done"))
        if view.safety:  # "None of these" would contradict what is ticked
            grid.append([done])
        else:
            grid.append(
                [button(t("button-safety-none"), IntakeTap(round_, "safety", word="none")), done]
            )
    else:
        grid.append([button(t("button-done"), SettingsTap("menu"))])
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


def habits_keyboard(t: Translator, view: ProfileView, round_: int | None) -> InlineKeyboardMarkup:
    grid = [
        [
            button(
                toggle(t, t(HABIT_KEYS[h]), h in view.habits),
                _answer(round_, "habit", habit=h, on=h not in view.habits),
            )
        ]
        for h in Habit
    ]
    if round_ is not None:
        grid.append([button(t("button-continue"), IntakeTap(round_, "habit", word="done"))])
    else:
        grid.append([button(t("button-done"), SettingsTap("menu"))])
    return InlineKeyboardMarkup(grid)


def habits_screen(t: Translator, view: IntakeView) -> Screen:
    text = progress(t, Step.HABITS) + "\n" + t("intake-habits-ask")
    if Safety.HISTAMINE in view.safety:
        text += "\n\n" + t("intake-habits-histamine-hint")
    return Screen(text, habits_keyboard(t, view, view.round))


def time_screen(t: Translator, view: ProfileView, habit: Habit, round_: int | None) -> Screen:
    buttons = [
        button(t(key, time=clock(at)), _answer(round_, "time", habit=habit, at=at))
        for key, at in zip(PRESET_LABELS[habit], PRESET_TIMES[habit], strict=True)
    ]
    other = _answer(round_, "time", habit=habit, word="other")
    buttons.append(button(t("button-other-time"), other))
    text = t("intake-time-ask", habit=t(HABIT_KEYS[habit]))
    if round_ is not None:
        text = progress(t, Step.TIMES) + "\n" + text
        return Screen(text, rows(buttons, 2))
    grid = [*rows(buttons, 2).inline_keyboard, [_back_to_times(t)]]
    return Screen(text, InlineKeyboardMarkup(grid))


def time_choice_screen(
    t: Translator, view: IntakeView, habit: Habit, choices: tuple[time, ...]
) -> Screen:
    """A typed "7" for a lunch-or-dinner habit: one button per reading, not a guess."""
    round_ = view.round if view.in_progress else None
    buttons = [button(clock(at), _answer(round_, "time", habit=habit, at=at)) for at in choices]
    return Screen(t("intake-time-which", habit=t(HABIT_KEYS[habit])), rows(buttons, 2))


def type_time_screen(t: Translator, habit: Habit, in_intake: bool = True) -> Screen:
    """Type a time; from /settings it replaces the picker, with Back (no live copy of the
    picker stays above the answer)."""
    text = t("intake-time-type", habit=t(HABIT_KEYS[habit]))
    if in_intake:
        return Screen(text)
    return Screen(text, InlineKeyboardMarkup([[_back_to_times(t)]]))


def _back_to_times(t: Translator) -> InlineKeyboardButton:
    return button(t("button-back"), SettingsTap("menu", page="times"))


def baseline_screen(t: Translator, view: IntakeView, symptom: Symptom) -> Screen:
    text = t(BASELINE_KEYS[symptom])
    if not view.baseline:
        text = progress(t, Step.BASELINE) + "\n" + t("intake-baseline-intro") + "\n\n" + text
    buttons = [
        button(str(score), IntakeTap(view.round, "base", symptom=symptom, score=score))
        for score in SCORES
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
    if first := _first_reminder(t, view):
        lines += ["", first]
    return Screen("\n".join(lines) + "\n\n" + t("summary-footer"))


def _first_reminder(t: Translator, view: IntakeView) -> str:
    """When the first reminder comes ("today at 07:00"), and that /today works any time."""
    if view.first_reminder is None or view.timezone is None:
        return ""
    at, habit = view.first_reminder
    zone = zone_info(view.timezone)
    return t(
        "summary-first",
        habit=t(HABIT_KEYS[habit]),
        when=when(t, at, zone, view.plan_started_on),
    )


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


# -- /start again, and what a tap or a typed answer leads to --------------------------------


def restart_menu(t: Translator, view: IntakeView) -> Screen:
    if view.step is Step.DONE and view.targets is not None:
        text = t("restart-done", week=view.targets.week, weeks=view.targets.weeks)
    else:
        text = t("restart-in-progress")
    buttons = [
        button(t("button-continue"), StartOverTap(view.round, "continue")),
        button(t("button-start-over"), StartOverTap(view.round, "over")),
    ]
    return Screen(text, rows(buttons, 2))


def restart_confirm(t: Translator, view: IntakeView) -> Screen:
    """Start over asks once more: it erases the answers so far."""
    confirm = [
        button(t("button-confirm-start-over"), StartOverTap(view.round, "confirm")),
        button(t("button-keep"), StartOverTap(view.round, "keep")),
    ]
    return Screen(t("restart-confirm"), rows(confirm, 2))


def after_tap_screens(t: Translator, tap: IntakeTap, view: IntakeView) -> list[Screen]:
    """The next question, led by what the tap changed when that is worth saying."""
    screens = step_screens(t, view)
    if tap.action == "safety":
        return [Screen(safety_changes(t, view.safety)), *screens]
    if tap.action == "time":
        assert tap.habit is not None
        return with_time_confirmation(t, view, tap.habit, screens)
    return screens


def with_time_confirmation(
    t: Translator, view: IntakeView, habit: Habit, screens: list[Screen]
) -> list[Screen]:
    """The next question, led by the reminder time just set."""
    at = view.times_by_habit.get(habit)
    if at is None:
        return screens
    line = t("answered", answer=t("intake-time-set", habit=t(HABIT_KEYS[habit]), time=clock(at)))
    first, *rest = screens
    return [Screen(line + "\n\n" + first.text, first.markup), *rest]


def time_set_screens(t: Translator, view: IntakeView, habit: Habit) -> list[Screen]:
    """After a reminder time typed in the intake: the confirmation and the next question."""
    return with_time_confirmation(t, view, habit, step_screens(t, view))


def use_buttons_screens(t: Translator, view: IntakeView) -> list[Screen]:
    """Typed text where a button answers: a one-line pointer to the question's buttons, not
    the question again (a burst of texts would repeat the greeting twenty times, and leave
    copies whose buttons disagree)."""
    return [Screen(t("intake-use-buttons"))]


def timezone_set_screens(t: Translator, view: IntakeView, now: datetime) -> list[Screen]:
    """The zone confirmed (with the local time), and the next question while in the intake."""
    assert view.timezone is not None
    confirmation = timezone_confirmation(t, view.timezone, now)
    return [confirmation, *(step_screens(t, view) if view.in_progress else [])]
