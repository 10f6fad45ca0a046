"""The intake: /start, its buttons, and typed or shared answers (time zone, reminder times)."""

from __future__ import annotations

import logging

from telegram import Message, Update

from coach.bot.callbacks import IntakeTap, StartOverTap
from coach.bot.commands import follow_language
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    accept_answer,
    answer_stale,
    answer_tap,
    edit_keyboard,
    edit_text,
    send,
    telegram_language,
)
from coach.bot.handlers.plan import plan_command
from coach.bot.screens.intake import (
    CANCEL_ZONE,
    after_tap_screens,
    habits_keyboard,
    restart_confirm,
    restart_menu,
    safety_keyboard,
    step_screens,
    time_choice_screen,
    time_set_screens,
    timezone_kept_screen,
    timezone_set_screens,
    type_time_screen,
    use_buttons_screens,
)
from coach.bot.screens.settings import menu_screen
from coach.bot.screens.widgets import listed
from coach.domain.awaiting import AwaitTime, AwaitTimezone
from coach.domain.intake import Step
from coach.i18n import Translator
from coach.services.answers import Answer
from coach.services.intake import Result

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


async def on_intake_tap(update: Update, context: CoachContext, tap: IntakeTap) -> None:
    """A button on an intake question: save the answer, then show what comes next."""
    result = await _apply(context, update.callback_query.from_user.id, tap)
    if result.answer is Answer.TICKED and result.view is not None:
        # "None of these" on a copy that showed no ticks: show them, say they were kept.
        t = context.translator(result.view.language)
        await answer_tap(update, t("intake-safety-none-ticked"), show_alert=True)
        await edit_keyboard(update, safety_keyboard(t, result.view, result.view.round))
        return
    accepted = await accept_answer(update, context, result)
    if accepted is None:
        return
    view, t = accepted
    if tap.action == "safety" and not tap.word:
        await edit_keyboard(update, safety_keyboard(t, view, view.round))
    elif tap.action == "habit" and not tap.word:
        await edit_keyboard(update, habits_keyboard(t, view, view.round))
    elif tap.action == "time" and tap.word == "other":
        assert tap.habit is not None
        await send(update, [type_time_screen(t, tap.habit)])
    else:
        await mark_answered(update, t, tap)
        await send(update, after_tap_screens(t, tap, view))
        if tap.action == "lang":
            await follow_language(
                update.get_bot(), update.effective_chat.id, t, telegram_language(update, context)
            )


async def on_restart_tap(update: Update, context: CoachContext, tap: StartOverTap) -> None:
    """Continue / Start over (with its confirmation) from the /start menu."""
    query = update.callback_query
    now = context.now()
    intake = context.services.intake
    if tap.choice == "confirm":
        result = await intake.start_over(query.from_user.id, tap.round, now)
        view = result.view
    else:
        view = await intake.current(query.from_user.id, now)
        if view is not None and view.round != tap.round:
            view, result = None, None
    if view is None or (tap.choice == "confirm" and result.answer is not Answer.ACCEPTED):
        await answer_stale(update, context, view.language if view else None)
        return
    t = context.translator(view.language)
    await answer_tap(update)
    if tap.choice == "continue":
        await edit_keyboard(update, None)
        if view.step is Step.DONE:  # the plan as it stands now (held, stepped back): /plan's
            await plan_command(update, context)
        else:
            await send(update, step_screens(t, view))
    elif tap.choice == "over":
        await edit_text(update, restart_confirm(t, view))
    elif tap.choice == "keep":
        await edit_text(update, t("restart-kept"))
    else:
        await edit_keyboard(update, None)
        sender = query.from_user
        await send(update, step_screens(t, view, t("start-greeting", name=sender.first_name)))


async def on_text(update: Update, context: CoachContext) -> None:
    """Typed text: a time zone or a reminder time when asked, else a gentle pointer."""
    text = update.effective_message.text or ""
    cancel = text.strip() in context.runtime.catalog.everywhere(CANCEL_ZONE)
    result = await context.services.intake.answer_text(
        update.effective_user.id, text, context.now(), cancel
    )
    await _reply_to_typed(update, context, result)


async def on_location(update: Update, context: CoachContext) -> None:
    """A shared location answers the time-zone question."""
    location = update.effective_message.location
    result = await context.services.intake.answer_location(
        update.effective_user.id, location.latitude, location.longitude, context.now()
    )
    await _reply_to_typed(update, context, result)


async def mark_answered(update: Update, t: Translator, tap: IntakeTap) -> None:
    """The answered question keeps its words and gains the answer ("✓ Agree"), its buttons
    gone: the chat's history shows every choice. A list answered with Done or Continue
    shows what was ticked."""
    query = update.callback_query
    message = query.message
    if not isinstance(message, Message) or not message.text:  # deleted or too old to read
        await edit_keyboard(update, None)
        return
    markup = message.reply_markup
    buttons = [b for row in (markup.inline_keyboard if markup else ()) for b in row]
    tick = t.plain("toggle-on", label="")
    tapped = next((b.text for b in buttons if b.callback_data == query.data), None)
    answer = tapped.removeprefix(tick) if tapped else None
    if tap.word == "done":  # the end of a list: its ticks are the answer
        ticked = [b.text.removeprefix(tick) for b in buttons if b.text.startswith(tick)]
        nothing = t.plain("button-safety-none") if tap.action == "safety" else answer
        answer = listed(t, ticked) if ticked else nothing
    if answer is None:
        await edit_keyboard(update, None)
        return
    await edit_text(update, message.text_html + "\n\n" + t("answered", answer=answer))


async def _apply(context: CoachContext, user_id: int, tap: IntakeTap) -> Result:
    intake = context.services.intake
    now = context.now()
    round_ = tap.round
    match tap.action:
        case "lang":
            return await intake.choose_language(user_id, round_, tap.language, now)
        case "consent":
            return await intake.answer_consent(user_id, round_, tap.agree, now)
        case "safety" if tap.word:  # "done", or "none" of these apply
            return await intake.finish_safety(user_id, round_, tap.word == "none", now)
        case "safety":
            assert tap.safety is not None
            return await intake.set_safety(user_id, round_, tap.safety, tap.on, now)
        case "habit" if tap.word:  # "done"
            return await intake.finish_habits(user_id, round_, now)
        case "habit":
            assert tap.habit is not None
            return await intake.set_habit(user_id, round_, tap.habit, tap.on, now)
        case "time":
            assert tap.habit is not None
            if tap.at is None:  # "other": typed
                return await intake.ask_time(user_id, round_, tap.habit, now)
            return await intake.choose_time(user_id, round_, tap.habit, tap.at, now)
        case _:  # "base"
            assert tap.symptom is not None
            return await intake.rate_baseline(user_id, round_, tap.symptom, tap.score, now)


async def _reply_to_typed(update: Update, context: CoachContext, result: Result) -> None:
    view = result.view
    if view is None or result.answer is Answer.NOT_EXPECTED:
        language = view.language if view else telegram_language(update, context)
        await update.effective_message.reply_text(context.translator(language)("unknown-text"))
        return
    t = context.translator(view.language)
    if result.answer is Answer.USE_BUTTONS:
        await send(update, use_buttons_screens(t, view))
    elif result.answer is Answer.INVALID:
        key = (
            "intake-timezone-invalid"
            if isinstance(view.awaiting, AwaitTimezone)
            else "intake-time-invalid"
        )
        if update.effective_message.location is not None:
            key = "intake-location-invalid"
        await update.effective_message.reply_text(t(key))
    elif result.answer is Answer.AMBIGUOUS:
        assert isinstance(view.awaiting, AwaitTime)
        await send(update, [time_choice_screen(t, view, view.awaiting.habit, result.choices)])
    elif result.answer is Answer.CANCELLED:
        assert view.timezone is not None
        await send(update, [timezone_kept_screen(t, view.timezone, context.now())])
    elif isinstance(result.answered, AwaitTimezone):
        await send(update, timezone_set_screens(t, view, context.now()))
    else:
        assert isinstance(result.answered, AwaitTime)
        if view.in_progress:
            await send(update, time_set_screens(t, view, result.answered.habit))
        else:  # /settings: back to the menu, which shows the new time
            await send(update, [menu_screen(t, view, context.now(), t("settings-saved"))])
