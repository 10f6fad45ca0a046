"""/reminders, /pause and /resume."""

from __future__ import annotations

from collections.abc import Callable

from telegram import Update

from coach.bot.callbacks import PauseTap
from coach.bot.context import CoachContext
from coach.bot.handlers.common import answer_tap, edit_text, refuse
from coach.bot.screens.schedule import overview_screen, pause_question
from coach.bot.screens.widgets import Screen
from coach.i18n import Translator
from coach.services.pause import PauseView
from coach.services.refusals import Refusal


async def reminders_command(update: Update, context: CoachContext) -> None:
    """List the user's reminders with their next local fire time."""
    now = context.now()
    view = await context.services.pause.overview(update.effective_user.id, now)
    await _reply(update, context, view, overview_screen)


async def pause_command(update: Update, context: CoachContext) -> None:
    """Offer a pause of a day, a week, or until /resume."""
    view = await context.services.pause.overview(update.effective_user.id, context.now())
    await _reply(update, context, view, pause_question)


async def resume_command(update: Update, context: CoachContext) -> None:
    """Reminders back on at once."""
    view = await context.services.pause.resume(update.effective_user.id, context.now())
    await _reply(update, context, view, _resumed)


def _resumed(t: Translator, view: PauseView) -> Screen:
    """Back on, or (no pause was on) already on: the schedule either way."""
    return overview_screen(t, view, t("resumed" if view.was_paused else "resume-not-paused"))


async def on_pause_tap(update: Update, context: CoachContext, tap: PauseTap) -> None:
    """A choice from /pause."""
    query = update.callback_query
    view = await context.services.pause.pause(query.from_user.id, tap.what, context.now())
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    await answer_tap(update)
    await edit_text(update, overview_screen(context.translator(view.language), view))


async def _reply(
    update: Update,
    context: CoachContext,
    view: PauseView | Refusal,
    render: Callable[[Translator, PauseView], Screen],
) -> None:
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    screen = render(context.translator(view.language), view)
    await update.effective_message.reply_text(screen.text, reply_markup=screen.markup)
