"""/help, and friendly answers to anything the bot does not understand (and to groups)."""

from __future__ import annotations

from telegram import Update

from coach.bot.context import CoachContext
from coach.bot.handlers.common import telegram_language


async def help_command(update: Update, context: CoachContext) -> None:
    """List the commands and repeat the health disclaimer."""
    t = await _translator_for(update, context)
    await update.effective_message.reply_html(t("help"))


async def unknown_command(update: Update, context: CoachContext) -> None:
    """Answer a command the bot does not have."""
    t = await _translator_for(update, context)
    await update.effective_message.reply_html(t("unknown-command"))


async def group_message(update: Update, context: CoachContext) -> None:
    """Anything in a group: the bot coaches in private only. It says so once per group, in
    the language of whoever it first heard there, then stays quiet."""
    chat = update.effective_chat
    if chat is None or not await context.services.groups.first_word(chat.id, context.now()):
        return
    t = context.translator(telegram_language(update, context))
    await chat.send_message(t("group-private-only", bot=context.bot.username or ""))


async def unsupported_message(update: Update, context: CoachContext) -> None:
    """Answer stickers, photos, voice and the like."""
    t = await _translator_for(update, context)
    await update.effective_message.reply_html(t("unsupported-message"))


async def _translator_for(update: Update, context: CoachContext):  # type: ignore[no-untyped-def]
    sender = update.effective_user
    return context.translator(
        await context.services.users.language_for(sender.id, sender.language_code)
    )
