"""Before any handler sees an update: the metrics' count; and the note flood control sends
when it turns a burst away (coach/bot/ingress.py checks it as updates arrive)."""

from __future__ import annotations

import logging

from telegram import Update

from coach.bot.context import CoachContext
from coach.bot.handlers.common import answer_tap
from coach.i18n import Catalog
from coach.services.users import UserService

log = logging.getLogger(__name__)


async def count_update(_update: Update, context: CoachContext) -> None:
    """Every update, before any handler: the metrics' count of updates handled."""
    context.runtime.metrics.updates.inc()


async def tell_flood(update: Update, tell: bool, catalog: Catalog, users: UserService) -> None:
    """An update flood control turned away. The first of a burst gets a short "slow down"
    (a toast for a tap, a message in a private chat) in the user's language: one database
    read a burst. A later tap gets a silent answer, so its spinner stops, and no read."""
    try:
        if update.callback_query is not None and not tell:
            await answer_tap(update)
            return
        private = update.effective_chat is not None and update.effective_chat.type == "private"
        if not tell or not (private or update.callback_query is not None):
            return
        sender = update.effective_user
        t = catalog.translator(await users.language_for(sender.id, sender.language_code))
        if update.callback_query is not None:
            await answer_tap(update, t("slow-down"))
        else:
            await update.effective_chat.send_message(t("slow-down"))
    except Exception as error:  # best effort: the burst is turned away either way
        log.info("the slow-down note was not delivered (%s)", type(error).__name__)
