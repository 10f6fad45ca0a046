"""Before any handler sees an update: the metrics' count, and flood control."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ApplicationHandlerStop

from coach.bot.context import CoachContext
from coach.bot.handlers.common import answer_tap, telegram_language


async def count_update(_update: Update, context: CoachContext) -> None:
    """Every update, before any handler: the metrics' count of updates handled."""
    context.runtime.metrics.updates.inc()


async def hold_floods(update: Update, context: CoachContext) -> None:
    """A burst from one user stops here: the first update turned away gets a short note
    (a tap, a toast), the rest nothing, until the burst is over."""
    user = update.effective_user
    if user is None:
        return
    admitted, tell = context.runtime.flood.admit(user.id)
    if admitted:
        return
    if tell or update.callback_query is not None:
        t = context.translator(telegram_language(update, context))
        if update.callback_query is not None:
            await answer_tap(update, t("slow-down") if tell else None)
        elif update.effective_chat is not None and update.effective_chat.type == "private":
            await update.effective_chat.send_message(t("slow-down"))
    raise ApplicationHandlerStop
