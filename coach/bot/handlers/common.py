"""Small helpers every handler shares: sending screens, editing the tapped message, and
answering taps (every tap is answered through `answer_tap`). A bare text is a screen
without buttons."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from coach.bot.context import CoachContext
from coach.bot.screens.refusals import refusal_text
from coach.bot.screens.widgets import Screen, as_screen
from coach.domain.language import pick_language
from coach.i18n import Translator
from coach.services.answers import Answer, ProfileView
from coach.services.intake import Result
from coach.services.refusals import Refusal, Why
from coach.services.settings import SettingsResult

log = logging.getLogger(__name__)

# Telegram's words for a tap it no longer takes an answer for (about 15 s after the tap).
EXPIRED_QUERY = ("query is too old", "query id is invalid")


async def send(update: Update, screens: Sequence[Screen | str]) -> None:
    chat = update.effective_chat
    for screen in map(as_screen, screens):
        await chat.send_message(screen.text, reply_markup=screen.markup)


async def edit_keyboard(update: Update, markup) -> None:  # type: ignore[no-untyped-def]
    """Swap the keyboard of the tapped message (None removes it: the question is answered)."""
    await _edit(update.callback_query.edit_message_reply_markup(markup))


async def edit_text(update: Update, screen: Screen | str) -> None:
    """Rewrite the tapped message in place.

    The raw call, as the dispatcher sends reminders: PTB's edit_message_text builds a whole
    Message object from Telegram's answer (the chat, the sender, every button), and nothing
    here reads it. That parse alone is 0.16 ms of the 3.5-4 ms of CPU a tap costs (measured
    2026-12-02)."""
    screen = as_screen(screen)
    query = update.callback_query
    message = query.message  # never None: the bot sends nothing in inline mode
    params: dict[str, object] = {
        "chat_id": message.chat.id,
        "message_id": message.message_id,
        "text": screen.text,
        "parse_mode": ParseMode.HTML,
    }
    if screen.markup is not None:
        params["reply_markup"] = screen.markup
    await _edit(query.get_bot().do_api_request("editMessageText", api_kwargs=params))


async def answer_and_edit(update: Update, screen: Screen | str) -> None:
    """Answer the tap and rewrite its message, both requests at once: the phone's spinner
    stops and the new text lands one round trip sooner."""
    await asyncio.gather(answer_tap(update), edit_text(update, screen))


async def answer_tap(update: Update, text: str | None = None, show_alert: bool = False) -> None:
    """Answer the tap: stop the phone's spinner, with a toast (or an alert) if text is given."""
    try:
        await update.callback_query.answer(text, show_alert=show_alert)
    except BadRequest as error:
        if not any(words in error.message.lower() for words in EXPIRED_QUERY):
            raise
        # A tap handled after a backlog or a restart comes too late to answer. The answer
        # only stops the spinner (long gone by now): the tap is saved and its message edited
        # all the same, so this is no error and nothing to apologise for.
        log.info("a tap came too late to answer: %s", error.message)


async def _edit(request: Awaitable[object]) -> None:
    # The answer is already saved; a message that can't be edited (deleted, too old, or
    # unchanged after a double tap) must not turn that into an error for the user.
    try:
        await request
    except BadRequest as error:
        log.info("edit skipped: %s", error.message)


async def refuse(update: Update, context: CoachContext, refusal: Refusal) -> None:
    """Why a service turned the update down, in the language it carries (Telegram's for
    someone without a row): a tap's toast, or a message for a command."""
    t = context.translator(refusal.language or telegram_language(update, context))
    if update.callback_query is not None:
        await answer_tap(update, refusal_text(t, refusal))
    else:
        await send(update, [refusal_text(t, refusal, command_of(update))])


def command_of(update: Update) -> str | None:
    """The command a message sends ("/today@GutCoachBot 3" -> "today"), None for text."""
    text = update.effective_message.text if update.effective_message else None
    if not text or not text.startswith("/"):
        return None
    return text[1:].split(maxsplit=1)[0].partition("@")[0].lower() or None


async def answer_stale(update: Update, context: CoachContext, language: str | None) -> None:
    """An old, foreign or forged button: a short explanation, nothing written."""
    await refuse(update, context, Refusal(Why.STALE, language))


async def answer_unknown(update: Update, context: CoachContext) -> None:
    """Callback data that does not decode at all."""
    t = context.translator(telegram_language(update, context))
    await answer_tap(update, t("tap-unknown"))


def telegram_language(update: Update, context: CoachContext) -> str:
    """The language for someone the bot may not know yet: from Telegram, no database."""
    settings = context.runtime.settings
    code = update.effective_user.language_code if update.effective_user else None
    return pick_language(code, context.runtime.catalog.languages, settings.default_language)


async def user_language(update: Update, context: CoachContext) -> str:
    """The sender's saved language (Telegram's suggestion for someone new)."""
    sender = update.effective_user
    return await context.services.users.language_for(sender.id, sender.language_code)


async def accept_answer(
    update: Update, context: CoachContext, result: Result | SettingsResult
) -> tuple[ProfileView, Translator] | None:
    """Answer the tap of an intake or /settings answer the service took. None: it was refused,
    and the user has been told why (stale button, nothing chosen)."""
    view = result.view
    if view is None or result.answer is Answer.STALE:
        await answer_stale(update, context, view.language if view else None)
        return None
    t = context.translator(view.language)
    if result.answer is Answer.NOTHING_CHOSEN:
        await answer_tap(update, t("intake-habits-none"), show_alert=True)
        return None
    await answer_tap(update)
    return view, t
