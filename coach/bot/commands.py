"""The command menu, registered with setMyCommands for each language at startup, and for
one chat when its user picks a language other than Telegram's."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError

from coach.bot.context import RUNTIME_KEY, CoachApplication
from coach.i18n import FALLBACK_LANGUAGE, Translator

log = logging.getLogger(__name__)

# (command, catalog key of its menu description), in menu order.
MENU: tuple[tuple[str, str], ...] = (
    ("today", "command-today"),
    ("plan", "command-plan"),
    ("progress", "command-progress"),
    ("checkin", "command-checkin"),
    ("start", "command-start"),
    ("reminders", "command-reminders"),
    ("pause", "command-pause"),
    ("resume", "command-resume"),
    ("settings", "command-settings"),
    ("export", "command-export"),
    ("delete", "command-delete"),
    ("help", "command-help"),
)


def menu_for(t: Translator) -> list[BotCommand]:
    return [BotCommand(command, t(key)) for command, key in MENU]


async def register_command_menus(application: CoachApplication) -> None:
    """One menu per language, plus the English one for every other language."""
    catalog = application.bot_data[RUNTIME_KEY].catalog
    bot = application.bot
    await bot.set_my_commands(menu_for(catalog.translator(FALLBACK_LANGUAGE)))
    for language in catalog.languages:
        await bot.set_my_commands(menu_for(catalog.translator(language)), language_code=language)


async def follow_language(bot: Bot, chat_id: int, t: Translator, telegram_language: str) -> None:
    """The chat's menu in the language just chosen: its own menu when that differs from the
    language of the user's Telegram (whose menu the startup set), else none, so the startup's
    menu, refreshed at every release, applies again. Only a nicety: a failure is logged,
    never the user's. (A chat's own menu is set again only when its user picks a language.)"""
    scope = BotCommandScopeChat(chat_id)
    try:
        if t.language == telegram_language:
            await bot.delete_my_commands(scope=scope)
        else:
            await bot.set_my_commands(menu_for(t), scope=scope)
    except TelegramError as error:
        log.info("the chat's command menu was not set: %s", type(error).__name__)
