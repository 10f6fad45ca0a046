"""/settings: change any intake answer later. Scheduling follows each change at once."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import SettingsTap
from coach.bot.commands import follow_language
from coach.bot.context import CoachContext
from coach.bot.handlers.common import accept_answer, edit_text, send, telegram_language
from coach.bot.screens.intake import time_screen, timezone_screen, type_time_screen
from coach.bot.screens.settings import closed_screen, menu_screen, page_screen
from coach.domain.reminders import Kind
from coach.services.answers import Answer, ProfileView
from coach.services.settings import SettingsResult


async def settings_command(update: Update, context: CoachContext) -> None:
    """Show the current answers and what can be changed."""
    # Opening the menu closes any question an earlier visit left open.
    result = await context.services.settings.open(update.effective_user.id, context.now())
    view = result.view
    if view is None or result.answer is Answer.STALE:  # the intake is not done
        language = view.language if view else telegram_language(update, context)
        await update.effective_message.reply_text(
            context.translator(language)("settings-finish-intake")
        )
        return
    t = context.translator(view.language)
    await send(update, [menu_screen(t, view, context.now())])


async def on_settings_tap(update: Update, context: CoachContext, tap: SettingsTap) -> None:
    """A button in the /settings menu or one of its pages."""
    result = await _apply(context, update.callback_query.from_user.id, tap)
    accepted = await accept_answer(update, context, result)
    if accepted is None:
        return
    view: ProfileView
    view, t = accepted
    now = context.now()
    match tap.action:
        case "menu" if tap.page == "tz":
            await send(update, [timezone_screen(t, view, in_intake=False)])
        case "menu" if tap.page == "close":
            await edit_text(update, closed_screen(t))
        case "menu" if tap.page == "digest" and view.digest_ended:  # a button from before
            await edit_text(update, menu_screen(t, view, now))  # the plan ended
        case "menu" if tap.page:
            await edit_text(update, page_screen(t, view, tap.page))
        case "lang":
            await edit_text(update, menu_screen(t, view, now))
            await follow_language(
                update.get_bot(), update.effective_chat.id, t, telegram_language(update, context)
            )
        case "menu":
            await edit_text(update, menu_screen(t, view, now))
        case "habit":
            await edit_text(update, page_screen(t, view, "habits"))
        case "wday":  # then the time, on the same page
            await edit_text(update, page_screen(t, view, "week"))
        case "dday" | "digest":
            await edit_text(update, page_screen(t, view, "digest"))
        case "wtime" | "dtime" | "dayend":
            await edit_text(update, menu_screen(t, view, now, t("settings-saved")))
        case "safety":
            await edit_text(update, page_screen(t, view, "safety"))
        case "time" if tap.word == "other":
            assert tap.habit is not None
            await edit_text(update, type_time_screen(t, tap.habit, in_intake=False))
        case "time" if tap.at is None:  # which habit's time to change
            assert tap.habit is not None
            await edit_text(update, time_screen(t, view, tap.habit, None))
        case _:  # a preset time was chosen
            await edit_text(update, menu_screen(t, view, now, t("settings-saved")))


async def _apply(context: CoachContext, user_id: int, tap: SettingsTap) -> SettingsResult:
    settings = context.services.settings
    now = context.now()
    match tap.action:
        case "lang":
            return await settings.choose_language(user_id, tap.language, now)
        case "habit":
            assert tap.habit is not None
            return await settings.set_habit(user_id, tap.habit, tap.on, now)
        case "safety":
            assert tap.safety is not None
            return await settings.set_safety(user_id, tap.safety, tap.on, now)
        case "time" if tap.word == "other":
            assert tap.habit is not None
            return await settings.ask_time(user_id, tap.habit, now)
        case "wday" | "dday":
            kind = Kind.CHECKIN if tap.action == "wday" else Kind.DIGEST
            return await settings.set_weekly(user_id, kind, now, weekday=tap.weekday)
        case "wtime" | "dtime":
            kind = Kind.CHECKIN if tap.action == "wtime" else Kind.DIGEST
            return await settings.set_weekly(user_id, kind, now, at=tap.at)
        case "digest":
            return await settings.set_weekly(user_id, Kind.DIGEST, now, on=tap.on)
        case "dayend":
            assert tap.at is not None
            return await settings.set_day_end(user_id, tap.at, now)
        case "time" if tap.at is not None:
            assert tap.habit is not None
            return await settings.choose_time(user_id, tap.habit, tap.at, now)
        case "menu" if tap.page == "tz":
            return await settings.ask_timezone(user_id, now)
        case _:  # "menu" pages, and picking which habit's time to change
            return await settings.open(user_id, now)
