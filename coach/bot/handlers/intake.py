"""The intake: /start, its buttons, and typed or shared answers (time zone, reminder times)."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from telegram import Update

from coach.bot.callbacks import Tap, decode, parse_hhmm, parse_switch
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_stale,
    answer_tap,
    answer_unknown,
    edit_keyboard,
    edit_text,
    send,
    telegram_language,
)
from coach.bot.screens import (
    HABIT_KEYS,
    Screen,
    button,
    clock,
    habits_keyboard,
    rows,
    safety_changes,
    safety_keyboard,
    step_screens,
    timezone_confirmation,
    type_time_screen,
)
from coach.domain.habits import Habit, Safety, Symptom
from coach.domain.intake import Step
from coach.i18n import Translator
from coach.services.intake import AWAIT_TIME, AWAIT_TIMEZONE, Answer, IntakeView, Result

log = logging.getLogger(__name__)


async def start(update: Update, context: CoachContext) -> None:
    """Begin the intake, or offer Continue / Start over to someone already in it or done."""
    sender = update.effective_user
    view = await context.services.intake.open(sender.id, sender.language_code, context.now())
    t = context.translator(view.language)
    if view.step is Step.LANGUAGE:
        greeting = t("start-greeting", name=sender.first_name)
        await send(update, step_screens(t, view, greeting))
    else:
        await send(update, [restart_menu(t, view)])


async def on_intake_tap(update: Update, context: CoachContext) -> None:
    """A button on an intake question: save the answer, then show what comes next."""
    accepted = await accept_tap(update, context, "i", _apply_tap)
    if accepted is None:
        return
    tap, view, t = accepted
    if tap.action == "safety" and tap.arg not in ("done", "none"):
        await edit_keyboard(update, safety_keyboard(t, view, view.round))
    elif tap.action == "habit" and tap.arg != "done":
        await edit_keyboard(update, habits_keyboard(t, view, view.round))
    elif tap.action == "time" and tap.arg.endswith("-other"):
        await send(update, [type_time_screen(t, Habit(tap.arg.split("-")[0]))])
    else:
        await edit_keyboard(update, None)
        await send(update, _after_tap(t, tap, view))


async def on_restart_tap(update: Update, context: CoachContext) -> None:
    """Continue / Start over (with its confirmation) from the /start menu."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != "o":
        await answer_unknown(update, context)
        return
    now = context.now()
    intake = context.services.intake
    if tap.action == "over" and tap.arg == "confirm":
        result = await intake.start_over(query.from_user.id, tap.round or 0, now)
        view = result.view
    else:
        view = await intake.current(query.from_user.id, now)
        if view is not None and view.round != tap.round:
            view, result = None, None
    if view is None or (tap.arg == "confirm" and result.answer is not Answer.ACCEPTED):
        await answer_stale(update, context, view.language if view else None)
        return
    t = context.translator(view.language)
    await answer_tap(update)
    if tap.action == "continue":
        await edit_keyboard(update, None)
        await send(update, step_screens(t, view))
    elif tap.arg == "":
        confirm = [
            button(t("button-confirm-start-over"), Tap("o", view.round, "over", "confirm")),
            button(t("button-keep"), Tap("o", view.round, "over", "keep")),
        ]
        await edit_text(update, Screen(t("restart-confirm"), rows(confirm, 2)))
    elif tap.arg == "keep":
        await edit_text(update, Screen(t("restart-kept")))
    else:
        await edit_keyboard(update, None)
        sender = query.from_user
        await send(update, step_screens(t, view, t("start-greeting", name=sender.first_name)))


async def on_text(update: Update, context: CoachContext) -> None:
    """Typed text: a time zone or a reminder time when asked, else a gentle pointer."""
    message = update.effective_message
    result = await context.services.intake.answer_text(
        update.effective_user.id, message.text or "", context.now()
    )
    await _reply_to_typed(update, context, result)


async def on_location(update: Update, context: CoachContext) -> None:
    """A shared location answers the time-zone question."""
    location = update.effective_message.location
    result = await context.services.intake.answer_location(
        update.effective_user.id, location.latitude, location.longitude, context.now()
    )
    await _reply_to_typed(update, context, result)


# -- helpers shared with the other handlers -------------------------------------------------


Apply = Callable[[CoachContext, int, Tap], Awaitable[Result]]


async def accept_tap(
    update: Update, context: CoachContext, scope: str, apply: Apply
) -> tuple[Tap, IntakeView, Translator] | None:
    """Decode a button of `scope`, apply it, and answer the tap. None: it was refused, and
    the user has been told why (unknown data, stale button, nothing chosen)."""
    query = update.callback_query
    tap = decode(query.data)
    if tap is None or tap.scope != scope:
        await answer_unknown(update, context)
        return None
    result = await apply(context, query.from_user.id, tap)
    view = result.view
    if view is None or result.answer is Answer.STALE:
        await answer_stale(update, context, view.language if view else None)
        return None
    t = context.translator(view.language)
    if result.answer is Answer.NOTHING_CHOSEN:
        await answer_tap(update, t("intake-habits-none"), show_alert=True)
        return None
    await answer_tap(update)
    return tap, view, t


def restart_menu(t: Translator, view: IntakeView) -> Screen:
    if view.step is Step.DONE and view.targets is not None:
        text = t("restart-done", week=view.targets.week, weeks=view.targets.weeks)
    else:
        text = t("restart-in-progress")
    buttons = [
        button(t("button-continue"), Tap("o", view.round, "continue")),
        button(t("button-start-over"), Tap("o", view.round, "over")),
    ]
    return Screen(text, rows(buttons, 2))


async def _apply_tap(context: CoachContext, user_id: int, tap: Tap) -> Result:
    intake = context.services.intake
    now = context.now()
    round_ = tap.round
    match tap.action:
        case "lang":
            return await intake.choose_language(user_id, round_, tap.arg, now)
        case "consent":
            return await intake.answer_consent(user_id, round_ or 0, tap.arg == "yes", now)
        case "safety" if tap.arg in ("done", "none"):
            return await intake.finish_safety(user_id, round_ or 0, tap.arg == "none", now)
        case "safety":
            flag, on = parse_switch(tap.arg)
            return await intake.set_safety(user_id, round_, Safety(flag), on, now)
        case "habit" if tap.arg == "done":
            return await intake.finish_habits(user_id, round_ or 0, now)
        case "habit":
            habit, on = parse_switch(tap.arg)
            return await intake.set_habit(user_id, round_, Habit(habit), on, now)
        case "time":
            habit, _, rest = tap.arg.partition("-")
            if rest == "other":
                return await intake.ask_time(user_id, round_, Habit(habit), now)
            at = parse_hhmm(rest)
            assert at is not None  # decode() checked it
            return await intake.choose_time(user_id, round_, Habit(habit), at, now)
        case _:  # "base"
            symptom, _, score = tap.arg.partition("-")
            return await intake.rate_baseline(
                user_id, round_ or 0, Symptom(symptom), int(score), now
            )


def _after_tap(t: Translator, tap: Tap, view: IntakeView) -> list[Screen]:
    """The next question, led by what the tap changed when that is worth saying."""
    screens = step_screens(t, view)
    if tap.action == "safety":
        return [Screen(safety_changes(t, view.safety)), *screens]
    if tap.action == "time":
        habit = Habit(tap.arg.split("-")[0])
        return _with_confirmation(t, view, habit, screens)
    return screens


def _with_confirmation(
    t: Translator, view: IntakeView, habit: Habit, screens: list[Screen]
) -> list[Screen]:
    at = view.times_by_habit.get(habit)
    if at is None:
        return screens
    line = t("answered", answer=t("intake-time-set", habit=t(HABIT_KEYS[habit]), time=clock(at)))
    first, *rest = screens
    return [Screen(line + "\n\n" + first.text, first.markup), *rest]


async def _reply_to_typed(update: Update, context: CoachContext, result: Result) -> None:
    view = result.view
    if view is None or result.answer is Answer.NOT_EXPECTED:
        language = view.language if view else telegram_language(update, context)
        await update.effective_message.reply_text(context.translator(language)("unknown-text"))
        return
    t = context.translator(view.language)
    if result.answer is Answer.USE_BUTTONS:
        await send(update, [Screen(t("intake-use-buttons")), *step_screens(t, view)])
    elif result.answer is Answer.INVALID:
        key = (
            "intake-timezone-invalid" if view.awaiting == AWAIT_TIMEZONE else "intake-time-invalid"
        )
        if update.effective_message.location is not None:
            key = "intake-location-invalid"
        await update.effective_message.reply_text(t(key))
    elif result.answered == AWAIT_TIMEZONE:
        assert view.timezone is not None
        confirmation = timezone_confirmation(t, view.timezone, context.now())
        await send(update, [confirmation, *(step_screens(t, view) if view.in_progress else [])])
    else:
        habit = Habit(result.answered.removeprefix(AWAIT_TIME))
        if view.in_progress:
            await send(update, _with_confirmation(t, view, habit, step_screens(t, view)))
        else:
            at = clock(view.times_by_habit[habit])
            line = t("intake-time-set", habit=t(HABIT_KEYS[habit]), time=at)
            await send(update, [Screen(t("answered", answer=line))])
