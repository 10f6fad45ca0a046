"""/progress with its chart, /export of the user's own data, and /delete of all of it."""

from __future__ import annotations

import logging

from telegram import Chat, InputFile, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

from coach.bot.callbacks import DeleteTap
from coach.bot.context import CoachContext
from coach.bot.drawing import draw
from coach.bot.handlers.common import answer_and_edit, refuse, send, user_language
from coach.bot.screens.progress import delete_screen, progress_screen
from coach.report.csv_export import render_csv
from coach.report.drawings import chart_png, report_pdf
from coach.services.refusals import Refusal

log = logging.getLogger(__name__)


async def progress_command(update: Update, context: CoachContext) -> None:
    """/progress: the summary at once, then the chart when it is drawn (off the update
    path; a second /progress meanwhile gets a short note instead of a second chart)."""
    view = await context.services.progress.progress(update.effective_user.id, context.now())
    if isinstance(view, Refusal):
        await refuse(update, context, view)
        return
    t = context.translator(view.language)
    await send(update, [progress_screen(t, view)])
    chat = update.effective_chat

    async def chart() -> None:
        await show_action(chat, ChatAction.UPLOAD_PHOTO)  # "sending a photo…" meanwhile
        png = await draw(chart_png, view, t)
        await chat.send_photo(
            InputFile(png, filename="progress.png"), caption=t("progress-chart-caption")
        )

    if not context.runtime.drawings.start(chat.id, chart(), _report(update, context)):
        await send(update, [t("drawing-busy")])


async def export_command(update: Update, context: CoachContext) -> None:
    """/export: a CSV of everything kept about the user, and a PDF report once the plan runs
    (drawn off the update path, one at a time per user)."""
    data = await context.services.account.export(update.effective_user.id, context.now())
    if isinstance(data, Refusal):
        await refuse(update, context, data)
        return
    t = context.translator(data.language)
    chat = update.effective_chat

    async def export() -> None:
        intro = "export-intro" if data.progress is not None else "export-intro-csv"
        await send(update, [t(intro)])
        await chat.send_document(
            InputFile(render_csv(data), filename="gut-coach-data.csv"),
            caption=t("export-csv-caption"),
        )
        if data.progress is not None:
            await show_action(chat, ChatAction.UPLOAD_DOCUMENT)
            pdf = await draw(report_pdf, data.progress, t)
            await chat.send_document(
                InputFile(pdf, filename="gut-coach-report.pdf"), caption=t("export-pdf-caption")
            )

    if not context.runtime.drawings.start(chat.id, export(), _report(update, context)):
        await send(update, [t("drawing-busy")])


async def show_action(chat: Chat, action: ChatAction) -> None:
    """What the phone shows while a chart or PDF is drawn (a second or three). Only a hint:
    a failure to show it never stops the drawing."""
    try:
        await chat.send_action(action)
    except TelegramError as error:
        log.info("chat action not shown: %s", type(error).__name__)


def _report(update: Update, context: CoachContext):  # type: ignore[no-untyped-def]
    """A drawing that failed goes to the error handler, like any handler's error."""

    async def report(error: Exception) -> None:
        await context.application.process_error(update, error)

    return report


async def delete_command(update: Update, context: CoachContext) -> None:
    """/delete: asks for a confirming tap first."""
    deletion = await context.services.account.deletion(update.effective_user.id)
    if isinstance(deletion, Refusal):
        await refuse(update, context, deletion)
        return
    await send(update, [delete_screen(context.translator(deletion.language), deletion.key)])


async def on_delete_tap(update: Update, context: CoachContext, tap: DeleteTap) -> None:
    """The answer to /delete: erase every row about the user, or leave everything be."""
    if tap.key is None:  # no service call
        t = context.translator(await user_language(update, context))
        await answer_and_edit(update, t("delete-cancelled"))
        return
    # Refused: already deleted, or asked for an earlier account.
    deleted = await context.services.account.delete(update.callback_query.from_user.id, tap.key)
    if isinstance(deleted, Refusal):
        await refuse(update, context, deleted)
        return
    context.runtime.ingress.forget(update)  # this update's own inbox row goes too
    await answer_and_edit(update, context.translator(deleted.language)("delete-done"))
