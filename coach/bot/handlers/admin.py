"""Commands for ADMIN_IDS only: /stats, and /announce (a message from messages/ to every
active user, after a preview that counts them). Anyone else gets the unknown-command reply
and, for a forged tap, the unknown-button answer."""

from __future__ import annotations

from telegram import Update

from coach.bot.callbacks import ANNOUNCEMENT_NAME, AnnounceTap
from coach.bot.context import CoachContext
from coach.bot.handlers.common import (
    answer_and_edit,
    answer_tap,
    answer_unknown,
    send,
    user_language,
)
from coach.bot.handlers.core import unknown_command
from coach.bot.screens.admin import ANNOUNCEMENT, announce_preview
from coach.reminders.announcer import Report


def _is_admin(update: Update, context: CoachContext) -> bool:
    return update.effective_user.id in context.runtime.settings.admin_ids


def _announcements(context: CoachContext) -> tuple[str, ...]:
    """The names a button can carry (a catalog test holds every one to that)."""
    names = context.runtime.catalog.names(ANNOUNCEMENT)
    return tuple(name for name in names if ANNOUNCEMENT_NAME.fullmatch(name))


async def stats_command(update: Update, context: CoachContext) -> None:
    """/stats: users, plans, and how today's reminders went."""
    if not _is_admin(update, context):
        await unknown_command(update, context)
        return
    stats = await context.services.stats.stats(context.now())
    t = context.translator(await user_language(update, context))
    await update.effective_message.reply_html(
        t(
            "stats",
            users=stats.users,
            active=stats.active,
            completed=stats.completed,
            sent=stats.sent_today,
            failed=stats.failed_today,
        )
    )


async def announce_command(update: Update, context: CoachContext) -> None:
    """/announce: the names; /announce NAME: the preview (a dry run: who would get it)."""
    if not _is_admin(update, context):
        await unknown_command(update, context)
        return
    t = context.translator(await user_language(update, context))
    names = _announcements(context)
    listed = ", ".join(names)
    if not context.args:
        await update.effective_message.reply_html(t("announce-usage", names=listed))
        return
    name = context.args[0].lower()
    if name not in names:
        await update.effective_message.reply_html(
            t("announce-unknown", name=name[:64], names=listed)
        )
        return
    audience = await context.services.announcements.audience()
    if not audience:
        await update.effective_message.reply_html(t("announce-nobody", name=name))
        return
    await send(update, [announce_preview(t, name, audience)])


async def on_announce_tap(update: Update, context: CoachContext, tap: AnnounceTap) -> None:
    """Send (in the background, through the broadcast limiter) or cancel."""
    runtime = context.runtime
    if not _is_admin(update, context) or tap.name not in _announcements(context):
        await answer_unknown(update, context)
        return
    t = context.translator(await user_language(update, context))
    if not tap.send:
        await answer_and_edit(update, t("announce-cancelled"))
        return
    if runtime.announcer.busy:
        await answer_tap(update, t("announce-busy"), show_alert=True)
        return
    preview = update.callback_query.message
    recipients = await context.services.announcements.take_send(
        preview.chat.id, preview.message_id, tap.name, context.now()
    )
    if recipients is None:  # a double tap or an old copy, here or on another instance
        await answer_tap(update, t("announce-already-sent", name=tap.name), show_alert=True)
        return
    key = ANNOUNCEMENT + tap.name
    messages = [(uid, runtime.catalog.translator(language)(key)) for uid, language in recipients]
    admin_chat = update.effective_chat.id
    bot = context.bot

    async def report(done: Report) -> None:
        await context.services.announcements.blocked(done.blocked)
        if done.stopped:
            text = t("announce-stopped", name=tap.name, sent=done.sent, left=done.left)
        else:
            text = t(
                "announce-done",
                name=tap.name,
                sent=done.sent,
                blocked=len(done.blocked),
                failed=done.failed,
            )
        await bot.send_message(admin_chat, text)

    if not runtime.announcer.start(messages, report):
        await answer_tap(update, t("announce-busy"), show_alert=True)
        return
    await answer_and_edit(update, t("announce-sending", name=tap.name, count=len(messages)))
